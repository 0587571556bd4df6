"""Demo data: the shipped prompt templates, published. Prices are seeded by migration 0002."""

from collections.abc import Callable
from decimal import Decimal

from credits.models import FeaturePrice

from .defaults import DEFAULT_PROMPTS
from .features import Feature
from .models import PromptTemplate

# The same starting prices as migration 0002 (which seeds a real site); repeated here because a
# flushed test database (browser tests) loses migration data and the demo must still charge.
STARTING_PRICES = {
    Feature.TRANSLATE_TEXT: ("1,000 characters", Decimal("0.10")),
    Feature.TRANSLATE_VOICE: ("second of audio", Decimal("0.02")),
    Feature.GRAMMAR_CHECK: ("1,000 characters", Decimal("0.05")),
    Feature.WRITING_FEEDBACK: ("request", Decimal("1.00")),
}


def ensure_feature_prices() -> str:
    for feature, (unit, credits) in STARTING_PRICES.items():
        FeaturePrice.objects.get_or_create(
            feature=feature,
            defaults={"label": str(feature.label), "unit": unit, "credits_per_unit": credits},
        )
    return f"AI feature prices: {len(STARTING_PRICES)} features priced"


def ensure_prompt_templates() -> str:
    created = 0
    for feature, fields in DEFAULT_PROMPTS.items():
        if PromptTemplate.objects.filter(feature=feature).exists():
            continue
        template = PromptTemplate(feature=feature, live=False, **fields)
        template.full_clean()
        template.save()
        template.save_revision().publish()
        created += 1
    return f"prompt templates: {created} created, {len(DEFAULT_PROMPTS)} in total"


DEMO_STEPS: list[Callable[[], str]] = [
    ensure_feature_prices,
    ensure_prompt_templates,
]
