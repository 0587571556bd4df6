from django.urls import path

from .views import GrammarPageView, WritingPageView

urlpatterns = [
    path("grammar/", GrammarPageView.as_view(), name="grammar-page"),
    path("writing/", WritingPageView.as_view(), name="writing-page"),
]
