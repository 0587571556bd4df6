from .defaults import DEFAULT_PROMPTS
from .models import PromptTemplate


def live_prompt(feature: str) -> PromptTemplate:
    """The published template for a feature, or an unsaved one holding the shipped default."""
    template = PromptTemplate.objects.filter(feature=feature, live=True).first()
    if template is None:
        template = PromptTemplate(feature=feature, **DEFAULT_PROMPTS[feature])
    return template
