"""Demo data: four voice avatars, seven guided practice contexts (five English, two Spanish)
plus Free talk, the published LinguaFlex tutor prompt and the voice-tutor price. Idempotent:
existing rows (by name/slug) are left as the admin edited them."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from wagtail.models import Locale

from credits.models import FeaturePrice

from .defaults import default_prompt
from .demo_scripts import CONTEXTS
from .models import PracticeContext, TutorPromptTemplate, VoiceAvatar

AVATARS: list[dict[str, Any]] = [
    {"name": "Maya", "language": "en", "accent": "en-US", "gender": "female",
     "tts_voice": "espeak:en-us+f3", "sort_order": 1},
    {"name": "Joe", "language": "en", "accent": "en-US", "gender": "male",
     "tts_voice": "en_US-joe-medium", "sort_order": 2},
    {"name": "Oliver", "language": "en", "accent": "en-GB", "gender": "male",
     "tts_voice": "espeak:en-gb", "sort_order": 3},
    {"name": "Lucía", "language": "es", "accent": "es-ES", "gender": "female",
     "tts_voice": "espeak:es+f3", "sort_order": 4},
]  # fmt: skip


def _publish(instance: Any) -> None:
    instance.live = False
    instance.full_clean()
    instance.save()
    instance.save_revision().publish()


def ensure_price() -> str:
    _price, created = FeaturePrice.objects.get_or_create(
        feature="voice-tutor",
        defaults={"label": "Voice tutor", "unit": "minute", "credits_per_unit": Decimal("3")},
    )
    return f"voice tutor price: {'created' if created else 'kept'}"


def ensure_avatars() -> str:
    created = 0
    for fields in AVATARS:
        if VoiceAvatar.objects.filter(name=fields["name"], accent=fields["accent"]).exists():
            continue
        _publish(VoiceAvatar(**fields))
        created += 1
    return f"voice avatars: {created} created, {len(AVATARS)} in the demo"


def ensure_contexts() -> str:
    locale = Locale.get_default()
    created = 0
    for order, fields in enumerate(CONTEXTS, 1):
        if PracticeContext.objects.filter(slug=fields["slug"], locale=locale).exists():
            continue
        values = {key: value for key, value in fields.items() if key != "script"}
        context = PracticeContext(
            **values,
            locale=locale,
            sort_order=order,
            script=[("step", step) for step in fields["script"]],
        )
        _publish(context)
        created += 1
    return f"practice contexts: {created} created, {len(CONTEXTS)} in the demo"


def ensure_tutor_prompt() -> str:
    if TutorPromptTemplate.objects.exists():
        return "tutor prompt: kept"
    _publish(default_prompt())
    return "tutor prompt: published"


DEMO_STEPS: list[Callable[[], str]] = [
    ensure_price,
    ensure_avatars,
    ensure_contexts,
    ensure_tutor_prompt,
]
