from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("translate/history", views.HistoryViewSet, basename="translation-history")
router.register(
    "translate/conversations", views.InterpreterSessionViewSet, basename="translation-conversation"
)
router.register("translate/phrasebook", views.PhrasebookViewSet, basename="phrasebook")

urlpatterns = [
    path("translate/text/", views.TextTranslationView.as_view(), name="translate-text"),
    path("translate/voice/", views.VoiceTranslationView.as_view(), name="translate-voice"),
    path("translate/languages/", views.LanguagesView.as_view(), name="translate-languages"),
    *router.urls,
]
