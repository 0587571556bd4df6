"""The AI features the platform meters, and how their units are counted.

Prices per unit live in the credits app (``credits.FeaturePrice``, seeded by migration
ai/0002 and editable in the admin); whether a feature is on is the feature flag
``ai.<feature>`` (core.flags, System > Feature flags).
Units: text translation and grammar per started 1,000 characters, voice per started second
of audio, writing feedback per request. Editors' machine translation of pages is logged but
not charged.
"""

from decimal import ROUND_CEILING, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Feature(models.TextChoices):
    TRANSLATE_TEXT = "translate_text", _("Text translation")
    TRANSLATE_VOICE = "translate_voice", _("Voice translation")
    GRAMMAR_CHECK = "grammar_check", _("Grammar check")
    WRITING_FEEDBACK = "writing_feedback", _("Writing feedback")
    CONTENT_TRANSLATION = "content_translation", _("Machine translation of pages (editors)")


# Logged in the usage log but never charged, so they have no price (editors are staff).
UNCHARGED_FEATURES = frozenset({Feature.CONTENT_TRANSLATION})
CHARGED_FEATURES = frozenset(Feature) - UNCHARGED_FEATURES


def per_thousand_chars(text: str) -> Decimal:
    """Characters are billed in started blocks of 1,000 (a 10-character phrase is 1 unit)."""
    return (Decimal(len(text)) / 1000).to_integral_value(rounding=ROUND_CEILING) or Decimal(1)


def per_second(seconds: float) -> Decimal:
    return Decimal(str(max(seconds, 1.0))).to_integral_value(rounding=ROUND_CEILING)
