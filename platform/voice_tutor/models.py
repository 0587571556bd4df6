"""Voice avatars and practice contexts (admin-managed snippets), the tutor prompt template,
and the learner's sessions, turns and reports."""

import uuid
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)

from ai.errors import PromptTemplateError
from ai.prompts import check_template, parse_declared, render
from core.uploads import private_storage

from .blocks import ScriptBlock


class Level(models.TextChoices):
    A1 = "A1", _("A1 · Beginner")
    A2 = "A2", _("A2 · Elementary")
    B1 = "B1", _("B1 · Intermediate")
    B2 = "B2", _("B2 · Upper intermediate")
    C1 = "C1", _("C1 · Advanced")
    C2 = "C2", _("C2 · Proficient")


LEVELS = [level.value for level in Level]

# End of turn after this much silence: beginners pause longer mid-sentence.
SILENCE_MS_BY_LEVEL = {"A1": 1200, "A2": 1050, "B1": 900, "B2": 750, "C1": 600, "C2": 600}


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NEUTRAL = "neutral", _("Neutral")


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner (A1-A2)")
    INTERMEDIATE = "intermediate", _("Intermediate (B1-B2)")
    ADVANCED = "advanced", _("Advanced (C1-C2)")


class Category(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    WORK = "work", _("Work")
    FOOD = "food", _("Food and drink")
    SOCIAL = "social", _("Social life")
    EVERYDAY = "everyday", _("Everyday life")
    FREE = "free", _("Free conversation")


def _speed_field(label: Any, default: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=3,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("1.5"))],
    )


class VoiceAvatar(DraftStateMixin, RevisionMixin, PreviewableMixin, models.Model):
    """A tutor's voice and face: which TTS voice speaks, how fast per level."""

    name = models.CharField(_("name"), max_length=60)
    picture = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("language"), max_length=16, help_text=_("The language the avatar speaks, e.g. en.")
    )
    accent = models.CharField(_("accent"), max_length=16, help_text=_("e.g. en-US, en-GB, es-ES."))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    tts_voice = models.CharField(
        _("TTS voice"),
        max_length=80,
        help_text=_(
            "A Piper voice installed in the ML service (e.g. en_US-joe-medium) or an espeak-ng "
            "variant as espeak:<voice> (e.g. espeak:en-gb, espeak:en-us+f3, espeak:es)."
        ),
    )
    beginner_speed = _speed_field(_("speed at A1-A2"), "0.80")
    intermediate_speed = _speed_field(_("speed at B1-B2"), "0.92")
    advanced_speed = _speed_field(_("speed at C1-C2"), "1.00")
    silence_duration_ms = models.PositiveIntegerField(
        _("silence budget (ms)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(300), MaxValueValidator(3000)],
        help_text=_(
            "Silence that ends the learner's turn. Blank: by level (1.2 s at A1 to 0.6 s at C1)."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="voice_avatar")

    panels = [
        FieldPanel("name"),
        FieldPanel("picture"),
        FieldRowPanel([FieldPanel("language"), FieldPanel("accent"), FieldPanel("gender")]),
        FieldPanel("tts_voice"),
        MultiFieldPanel(
            [
                FieldPanel("beginner_speed"),
                FieldPanel("intermediate_speed"),
                FieldPanel("advanced_speed"),
                FieldPanel("silence_duration_ms"),
            ],
            _("Pace"),
        ),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("voice avatar")
        constraints = [
            models.UniqueConstraint(fields=["name", "accent"], name="voice_tutor_avatar_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.accent}, {self.get_gender_display()})"

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions

    def clean(self) -> None:
        voice = self.tts_voice.strip()
        if voice.startswith("espeak:") and len(voice) <= len("espeak:"):
            raise ValidationError({"tts_voice": _("Name the espeak-ng voice, e.g. espeak:en-gb.")})
        if " " in voice:
            raise ValidationError({"tts_voice": _("A voice id has no spaces.")})

    def speed_for(self, level: str) -> float:
        if level in {"A1", "A2"}:
            return float(self.beginner_speed)
        if level in {"B1", "B2"}:
            return float(self.intermediate_speed)
        return float(self.advanced_speed)

    def get_preview_template(self, request: HttpRequest, mode_name: str) -> str:
        return "voice_tutor/admin/avatar_preview.html"


class PracticeContext(
    TranslatableMixin, DraftStateMixin, RevisionMixin, PreviewableMixin, models.Model
):
    """A situation to practise. With a guided script it works offline; without one (free
    talk) it needs a configured language model."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80)
    language = models.CharField(_("language"), max_length=16, help_text=_("e.g. en, es."))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    difficulty = models.CharField(_("difficulty"), max_length=16, choices=Difficulty.choices)
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    scenario = models.TextField(
        _("scenario"),
        help_text=_("The situation the tutor plays, e.g. 'You are a check-in agent …'."),
    )
    goal = models.CharField(
        _("goal"),
        max_length=240,
        help_text=_("Said at the start, e.g. 'check in for a flight and choose a seat'."),
    )
    vocabulary = models.TextField(
        _("vocabulary"), blank=True, help_text=_("Useful words and phrases, one per line.")
    )
    suggested_responses = models.TextField(
        _("suggested responses"), blank=True, help_text=_("Useful sentences, one per line.")
    )
    greeting = models.CharField(
        _("greeting"),
        max_length=300,
        blank=True,
        help_text=_(
            "The tutor's first words in the guided mode. Placeholders: {name} (the learner), "
            "{tutor} (the avatar), {goal}. Blank: the default English greeting."
        ),
    )
    closing = models.CharField(
        _("closing line"),
        max_length=300,
        blank=True,
        help_text=_("Said when the script is done. Placeholder: {name}."),
    )
    script = StreamField(ScriptBlock(), blank=True, verbose_name=_("guided script"))
    silence_duration_ms = models.PositiveIntegerField(
        _("silence budget (ms)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(300), MaxValueValidator(3000)],
        help_text=_("Overrides the avatar's and the level's silence budget."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="practice_context")

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("language"), FieldPanel("category"), FieldPanel("difficulty")]),
        FieldPanel("summary"),
        FieldPanel("scenario"),
        FieldPanel("goal"),
        FieldPanel("vocabulary"),
        FieldPanel("suggested_responses"),
        MultiFieldPanel(
            [FieldPanel("greeting"), FieldPanel("script"), FieldPanel("closing")],
            _("Guided conversation (offline)"),
        ),
        FieldPanel("silence_duration_ms"),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "title"]
        verbose_name = _("practice context")
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="voice_tutor_context_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions

    @property
    def has_guided_script(self) -> bool:
        return len(self.script) > 0

    @property
    def vocabulary_list(self) -> list[str]:
        return [line.strip() for line in self.vocabulary.splitlines() if line.strip()]

    @property
    def suggested_list(self) -> list[str]:
        return [line.strip() for line in self.suggested_responses.splitlines() if line.strip()]

    def steps(self) -> list[dict[str, Any]]:
        return [dict(block.value) for block in self.script if block.block_type == "step"]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        # The editor's form checks the blocks; this checks every other path (demo, imports).
        try:
            cast(StreamField, self._meta.get_field("script")).stream_block.clean(self.script)
        except ValidationError as exc:
            errors["script"] = exc
        for field in ("greeting", "closing"):
            allowed = ["name", "tutor", "goal"] if field == "greeting" else ["name"]
            try:
                check_template([getattr(self, field)], allowed)
            except PromptTemplateError as exc:
                errors[field] = str(exc)
        if self.has_guided_script and not self.closing.strip():
            errors["closing"] = str(_("A guided script needs a closing line."))
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request: HttpRequest, mode_name: str) -> str:
        return "voice_tutor/admin/context_preview.html"


class TutorPromptTemplate(DraftStateMixin, RevisionMixin, models.Model):
    """The LLM tutor's instructions (the LinguaFlex persona). Versioned like ai.PromptTemplate;
    the published template with the lowest ``name`` order is the one used."""

    VARIABLES = (
        "learner_name, tutor_name, language, accent, level, context_title, scenario, goal, "
        "vocabulary, suggested_responses"
    )

    name = models.CharField(_("name"), max_length=80, unique=True)
    system_prompt = models.TextField(
        help_text=_("Instructions for the model. Placeholders: {name}; write {{ }} for braces.")
    )
    opening_prompt = models.TextField(
        help_text=_("Sent as the learner's first message: asks the tutor to open the session.")
    )
    variables = models.CharField(max_length=400, default=VARIABLES)
    model_name = models.CharField(
        max_length=120, blank=True, help_text=_("Blank: the configured default model.")
    )
    temperature = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.70"))
    max_tokens = models.PositiveIntegerField(default=220)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="tutor_prompt")

    panels = [
        FieldPanel("name"),
        FieldPanel("variables"),
        FieldPanel("system_prompt"),
        FieldPanel("opening_prompt"),
        MultiFieldPanel(
            [FieldPanel("model_name"), FieldPanel("temperature"), FieldPanel("max_tokens")],
            _("Model"),
        ),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("tutor prompt template")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temperature__gte=0, temperature__lte=2),
                name="voice_tutor_prompt_temperature_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):  # type: ignore[no-untyped-def]
        return self._revisions

    @property
    def declared(self) -> list[str]:
        return parse_declared(self.variables)

    def clean(self) -> None:
        unknown = set(self.declared) - set(parse_declared(self.VARIABLES))
        if unknown:
            raise ValidationError(
                {"variables": _("Unknown variables: %s") % ", ".join(sorted(unknown))}
            )
        try:
            check_template([self.system_prompt, self.opening_prompt], self.declared)
        except PromptTemplateError as exc:
            raise ValidationError({"system_prompt": str(exc)}) from exc

    def render(self, **values: object) -> tuple[str, str]:
        return (
            render(self.system_prompt, self.declared, values),
            render(self.opening_prompt, self.declared, values),
        )


class Mode(models.TextChoices):
    GUIDED = "guided", _("Guided (offline script)")
    LLM = "llm", _("Language model")


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INTERRUPTED = "interrupted", _("Interrupted (resumable)")
    ENDED = "ended", _("Ended")


OPEN_STATUSES = [SessionStatus.ACTIVE, SessionStatus.INTERRUPTED]


class TutorSession(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_sessions"
    )
    avatar = models.ForeignKey(VoiceAvatar, on_delete=models.PROTECT, related_name="sessions")
    context = models.ForeignKey(PracticeContext, on_delete=models.PROTECT, related_name="sessions")
    # The context's identity across translations: progress is per context, whatever locale.
    context_key = models.UUIDField(db_index=True)
    mode = models.CharField(max_length=8, choices=Mode.choices)
    level = models.CharField(max_length=2, choices=Level.choices)
    language = models.CharField(max_length=16)
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.ACTIVE
    )
    end_reason = models.CharField(max_length=20, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    interrupted_at = models.DateTimeField(null=True, blank=True)
    # Time not billed: while interrupted by our failure, and turns that failed.
    unbilled_seconds = models.FloatField(default=0)
    minutes_charged = models.PositiveIntegerField(default=0)
    credits_charged = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    # Guided engine state.
    step_index = models.PositiveSmallIntegerField(default=0)
    step_attempts = models.PositiveSmallIntegerField(default=0)
    script_done = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "-started_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["active", "interrupted"]),
                name="voice_tutor_one_open_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Tutor session {self.pk} ({self.user_id}, {self.status})"

    def billable_seconds(self, now: Any = None) -> float:
        end = self.ended_at or now or timezone.now()
        if self.status == SessionStatus.INTERRUPTED and self.interrupted_at:
            end = min(end, self.interrupted_at)
        return max(0.0, (end - self.started_at).total_seconds() - self.unbilled_seconds)


class Speaker(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TUTOR = "tutor", _("Tutor")


def recording_path(instance: "TutorTurn", filename: str) -> str:
    return f"voice_tutor/{instance.session_id}/{uuid.uuid4().hex}.wav"


class TutorTurn(models.Model):
    session = models.ForeignKey(TutorSession, on_delete=models.CASCADE, related_name="turns")
    seq = models.PositiveIntegerField()
    speaker = models.CharField(max_length=8, choices=Speaker.choices)
    text = models.TextField()
    # The tutor's turn as the learner heard it, when they barged in.
    heard_text = models.TextField(blank=True)
    interrupted = models.BooleanField(default=False)
    spoken = models.BooleanField(default=False, help_text=_("Transcribed speech, not typed."))
    speech = models.JSONField(null=True, blank=True)
    recording = models.FileField(
        upload_to=recording_path, storage=private_storage, blank=True, max_length=255
    )
    # Analysis of a learner turn (filled by the tutor's reply).
    step_index = models.PositiveSmallIntegerField(null=True, blank=True)
    fitted = models.BooleanField(null=True, blank=True)
    grammar_checked = models.BooleanField(default=False)
    corrected_text = models.TextField(blank=True)
    edits = models.JSONField(default=list, blank=True)
    failed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="voice_tutor_turn_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:40]}"

    @property
    def said(self) -> str:
        """What the other side heard: a cut tutor turn counts only up to the barge-in."""
        return self.heard_text if self.interrupted else self.text


class TutorReport(models.Model):
    session = models.OneToOneField(TutorSession, on_delete=models.CASCADE, related_name="report")
    pronunciation = models.PositiveSmallIntegerField(null=True, blank=True)
    fluency = models.PositiveSmallIntegerField(null=True, blank=True)
    grammar = models.PositiveSmallIntegerField(null=True, blank=True)
    vocabulary = models.PositiveSmallIntegerField(null=True, blank=True)
    listening = models.PositiveSmallIntegerField(null=True, blank=True)
    cefr = models.CharField(max_length=2, blank=True)
    corrections = models.JSONField(default=list)
    words_to_practise = models.JSONField(default=list)
    new_vocabulary = models.JSONField(default=list)
    talk_share = models.PositiveSmallIntegerField(null=True, blank=True)
    learner_seconds = models.FloatField(default=0)
    duration_seconds = models.FloatField(default=0)
    comment = models.TextField(blank=True)
    definitions = models.JSONField(default=dict)
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Report of session {self.session_id}"

    @property
    def scores(self) -> dict[str, int | None]:
        return {
            "pronunciation": self.pronunciation,
            "fluency": self.fluency,
            "grammar": self.grammar,
            "vocabulary": self.vocabulary,
            "listening": self.listening,
        }
