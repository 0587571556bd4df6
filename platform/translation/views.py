from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class TranslatePageView(LoginRequiredMixin, TemplateView):
    """The translate page; everything on it talks to /api/v1/translate/."""

    template_name = "translation/translate.html"
