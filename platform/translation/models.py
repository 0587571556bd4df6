from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase


class Mode(models.TextChoices):
    TEXT = "text", _("Text")
    VOICE = "voice", _("Voice")
    CONVERSATION = "conversation", _("Conversation")


class Translation(models.Model):
    """One translation a user asked for: their private history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="translations"
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.TEXT)
    source_language = models.CharField(max_length=16)
    target_language = models.CharField(max_length=16)
    source_text = models.TextField()
    translated_text = models.TextField()
    detected = models.BooleanField(
        default=False, help_text=_("The source language was detected, not chosen.")
    )
    engine = models.CharField(
        max_length=60, blank=True, help_text=_("The engine that translated (e.g. apertium).")
    )
    pivot_language = models.CharField(
        max_length=16,
        blank=True,
        help_text=_("The language translated through when no engine does the pair directly."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language}: {self.source_text[:40]}"


class InterpreterSession(models.Model):
    """Two people, two languages, one device: each turn is translated for the other side."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="translation_conversations"
    )
    language_a = models.CharField(max_length=16)
    language_b = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(language_a=models.F("language_b")),
                name="translation_conversation_two_languages",
            )
        ]

    def __str__(self) -> str:
        return f"{self.language_a} ⇄ {self.language_b}"


class Speaker(models.TextChoices):
    A = "a", _("Speaker A")
    B = "b", _("Speaker B")


class InterpreterTurn(models.Model):
    conversation = models.ForeignKey(
        InterpreterSession, on_delete=models.CASCADE, related_name="turns"
    )
    speaker = models.CharField(max_length=1, choices=Speaker.choices)
    spoken = models.BooleanField(default=False)
    source_language = models.CharField(max_length=16)
    target_language = models.CharField(max_length=16)
    source_text = models.TextField()
    translated_text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.source_text[:40]}"


class TaggedPhrase(TaggedItemBase):
    content_object = models.ForeignKey(
        "translation.PhrasebookEntry", on_delete=models.CASCADE, related_name="tagged_items"
    )


# taggit ships no types: the stubs' plugin cannot build the ``tagged_items`` reverse manager.
class PhrasebookEntry(models.Model):  # type: ignore[django-manager-missing]
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phrasebook"
    )
    source_language = models.CharField(max_length=16)
    target_language = models.CharField(max_length=16)
    source_text = models.CharField(max_length=1000)
    translated_text = models.CharField(max_length=2000)
    note = models.CharField(max_length=500, blank=True)
    tags = TaggableManager(through=TaggedPhrase, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The Idempotency-Key the save was sent with (the offline outbox replays a save with the
    # key it was first tried with): a second request with it returns this entry.
    client_key = models.CharField(max_length=100, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("phrasebook entries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_language", "target_language", "source_text"],
                name="translation_phrase_unique_per_user",
            ),
            models.UniqueConstraint(
                fields=["user", "client_key"],
                condition=~models.Q(client_key=""),
                name="translation_phrase_client_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_text} → {self.translated_text}"
