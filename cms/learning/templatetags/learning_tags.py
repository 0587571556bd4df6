from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, None) if obj is not None else None
