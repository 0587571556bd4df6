from django.urls import path

from .views import GrammarPageView

urlpatterns = [path("grammar/", GrammarPageView.as_view(), name="grammar-page")]
