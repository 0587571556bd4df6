from django.urls import path

from .views import TranslatePageView

urlpatterns = [path("translate/", TranslatePageView.as_view(), name="translate-page")]
