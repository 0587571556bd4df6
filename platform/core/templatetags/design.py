"""Template tags of the design system (docs/design.md)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


# Icons that point along the line of text: they flip when the page is right to left.
DIRECTIONAL_ICONS = frozenset(
    {"arrow-left", "arrow-right", "chevron-left", "chevron-right", "send", "undo-2", "redo-2"}
)


@register.simple_tag
def icon(name: str, label: str = "", size: str = "") -> str:
    """A Lucide icon from the sprite built into static/dist/icons.svg.

    The build collects the names written literally as ``{% icon "name" %}`` in templates, so
    the name must be a string literal (names set from JavaScript go in frontend/icons.txt).
    Without ``label`` the icon is decoration and hidden from assistive technology; with it,
    the icon is the only text and is announced as an image.
    """
    sprite = static("dist/icons.svg")
    classes = f"icon icon-{size}" if size else "icon"
    if name in DIRECTIONAL_ICONS:
        classes += " icon-directional"  # mirrored in right-to-left languages (components.css)
    if label:
        return format_html(
            '<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}#{}"></use></svg>',
            classes,
            label,
            sprite,
            name,
        )
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        sprite,
        name,
    )


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, prefix: str) -> str:
    """``aria-current="page"`` on the navigation link whose section the page is in, so the
    current section is both highlighted and announced."""
    request = context.get("request")
    path = getattr(request, "path", "")
    if prefix == "/" and path != "/":
        return ""
    return mark_safe(' aria-current="page"') if path.startswith(prefix) else ""
