from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class GrammarPageView(LoginRequiredMixin, TemplateView):
    """The grammar checker; it calls /api/v1/ai/grammar/ while the learner types."""

    template_name = "ai/grammar.html"
