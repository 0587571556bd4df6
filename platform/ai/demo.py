"""Demo data: the shipped prompt templates, published. Prices are seeded by migration 0002."""

from collections.abc import Callable

from .defaults import DEFAULT_PROMPTS
from .models import PromptTemplate


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


DEMO_STEPS: list[Callable[[], str]] = [ensure_prompt_templates]
