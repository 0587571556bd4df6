from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .writing import CEFR_LEVELS


class GrammarPageView(LoginRequiredMixin, TemplateView):
    """The grammar checker; it calls /api/v1/ai/grammar/ while the learner types."""

    template_name = "ai/grammar.html"


class WritingPageView(LoginRequiredMixin, TemplateView):
    """Writing feedback: the learner submits a text (and the task it answers) and gets
    scores, an estimated level and comments from /api/v1/ai/writing/."""

    template_name = "ai/writing.html"
    extra_context = {"levels": CEFR_LEVELS}
