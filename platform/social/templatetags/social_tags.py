"""Social's pieces other apps' pages show without importing social (a template loads the
tag by name): the Follow/Following button and a link to the person's moments."""

from typing import Any

from django import template

from social import selectors

register = template.Library()


@register.inclusion_tag("social/_follow_button.html", takes_context=True)
def follow_button(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """Follow or Following for ``person`` (one query), posting to their social profile and
    coming back to this page; nothing for a signed-out visitor or the person themselves."""
    user = context.get("user")
    request = context.get("request")
    if person is None or user is None or not user.is_authenticated or user.pk == person.pk:
        return {"person": None}
    return {
        "person": person,
        "following_them": selectors.is_following(user, person),
        "next": request.get_full_path() if request is not None else "",
    }
