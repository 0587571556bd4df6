"""``{% flag_enabled "name" as on %}``: the feature flag for the person viewing the page."""

from typing import Any

from django import template

from core import flags

register = template.Library()


@register.simple_tag(takes_context=True)
def flag_enabled(context: dict[str, Any], name: str) -> bool:
    request = context.get("request")
    return flags.enabled(name, getattr(request, "user", None))
