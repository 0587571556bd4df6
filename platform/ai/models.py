from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import DraftStateMixin, RevisionMixin

from .errors import PromptTemplateError
from .features import Feature
from .prompts import check_template, parse_declared, render


class PromptTemplate(DraftStateMixin, RevisionMixin, models.Model):
    """The prompt an LLM-backed feature sends. Versioned (every save is a revision) and
    published explicitly: features use the live version only."""

    feature = models.CharField(max_length=40, choices=Feature.choices, unique=True)
    system_prompt = models.TextField(
        help_text=_("Instructions for the model. Placeholders: {name}; write {{ }} for braces.")
    )
    user_prompt = models.TextField(help_text=_("The message carrying the learner's input."))
    variables = models.CharField(
        max_length=255,
        help_text=_("Comma-separated variable names the prompts may use, e.g. text, task, level."),
    )
    model_name = models.CharField(
        max_length=120, blank=True, help_text=_("Blank: the configured default model.")
    )
    temperature = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.20"))
    # Revisions go when the template goes (Wagtail's recipe for snippets with RevisionMixin).
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="ai_prompt_template")

    panels = [
        FieldPanel("feature"),
        FieldPanel("variables"),
        FieldPanel("system_prompt"),
        FieldPanel("user_prompt"),
        MultiFieldPanel([FieldPanel("model_name"), FieldPanel("temperature")], _("Model")),
    ]

    class Meta:
        ordering = ["feature"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temperature__gte=0, temperature__lte=2),
                name="ai_prompt_temperature_range",
            )
        ]

    def __str__(self) -> str:
        return self.get_feature_display()

    @property
    def declared(self) -> list[str]:
        return parse_declared(self.variables)

    def clean(self) -> None:
        try:
            check_template([self.system_prompt, self.user_prompt], self.declared)
        except PromptTemplateError as exc:
            raise ValidationError({"system_prompt": str(exc)}) from exc

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions

    def render(self, **values: object) -> tuple[str, str]:
        """(system, user) messages; raises PromptTemplateError on a missing variable."""
        return (
            render(self.system_prompt, self.declared, values),
            render(self.user_prompt, self.declared, values),
        )


@register_setting(icon="cogs")
class AISettings(BaseGenericSetting):
    """How AI features behave. On/off: System > Feature flags (``ai.<feature>``, core.flags);
    prices: Credits > Feature prices."""

    writing_feedback_uses_llm = models.BooleanField(
        _("use the LLM for writing feedback when one is configured"),
        default=True,
        help_text=_("Off: always the offline heuristic scores."),
    )

    panels = [
        FieldPanel("writing_feedback_uses_llm"),
    ]

    class Meta:
        verbose_name = _("AI features")


class Outcome(models.TextChoices):
    OK = "ok", _("Succeeded, charged")
    CACHED = "cached", _("Answered from cache, not charged")
    FREE = "free", _("Succeeded, not charged")
    REJECTED = "rejected", _("Input rejected")
    UNAVAILABLE = "unavailable", _("Service unavailable")
    INSUFFICIENT_CREDITS = "insufficient_credits", _("Refused: not enough credits")


class AIUsage(models.Model):
    """One metered call of an AI feature: what it used, how long it took, what it cost."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ai_usage"
    )
    feature = models.CharField(max_length=40, choices=Feature.choices)
    model_name = models.CharField(max_length=200, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    completion_tokens = models.PositiveIntegerField(null=True, blank=True)
    audio_seconds = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    characters = models.PositiveIntegerField(null=True, blank=True)
    units = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    credits = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    latency_ms = models.PositiveIntegerField()
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    error_code = models.CharField(max_length=60, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("AI usage")
        verbose_name_plural = _("AI usage")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["feature", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_feature_display()} · {self.get_outcome_display()}"
