from typing import Any

from django import template

from gamification import selectors

register = template.Library()


@register.inclusion_tag("gamification/_chip.html", takes_context=True)
def gamification_chip(context: dict[str, Any]) -> dict[str, Any]:
    """The header's streak and XP chip: one cached read (selectors.chip)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"chip": None}
    return {"chip": selectors.chip(user)}
