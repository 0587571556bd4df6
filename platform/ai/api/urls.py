from django.urls import path

from . import views

app_name = "ai"

urlpatterns = [
    path("ai/grammar/", views.GrammarCheckView.as_view(), name="grammar"),
    path("ai/writing/", views.WritingFeedbackView.as_view(), name="writing"),
]
