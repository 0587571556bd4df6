"""Prompt templates use ``str.format`` placeholders restricted to plain declared names:
``{text}`` is allowed, ``{text.__class__}`` or ``{items[0]}`` are not (a template is written
in the admin, so it must not reach into Python objects)."""

import string
from collections.abc import Iterable, Mapping

from .errors import PromptTemplateError

_FORMATTER = string.Formatter()


def placeholders(template: str) -> set[str]:
    """The variable names a template uses; raises on malformed braces or non-plain names."""
    names: set[str] = set()
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:
        message = f"Malformed placeholder: {exc}. Write {{{{ and }}}} for literal braces."
        raise PromptTemplateError(message) from exc
    for _literal, field, _spec, _conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier():
            raise PromptTemplateError(
                f"{{{field}}} is not a plain variable name; use e.g. {{text}}."
            )
        names.add(field)
    return names


def parse_declared(variables: str) -> list[str]:
    return [name.strip() for name in variables.replace("\n", ",").split(",") if name.strip()]


def check_template(templates: Iterable[str], declared: Iterable[str]) -> None:
    declared_set = set(declared)
    for name in declared_set:
        if not name.isidentifier():
            raise PromptTemplateError(f"{name!r} is not a valid variable name.")
    used: set[str] = set()
    for template in templates:
        used |= placeholders(template)
    undeclared = used - declared_set
    if undeclared:
        raise PromptTemplateError(
            f"The template uses undeclared variables: {', '.join(sorted(undeclared))}."
        )


def render(template: str, declared: Iterable[str], values: Mapping[str, object]) -> str:
    declared_set = set(declared)
    missing = declared_set - set(values)
    if missing:
        raise PromptTemplateError(f"Missing prompt variables: {', '.join(sorted(missing))}.")
    check_template([template], declared_set)
    return template.format(**{name: str(values[name]) for name in declared_set})
