"""Wagtail's chooser widgets without inline scripts, for the admin's Content-Security-Policy.

Wagtail 8 renders every chooser (page, image, document, snippet, task) as its HTML followed
by ``<script>new ImageChooser("id_cover_image", {...});</script>`` (``BaseChooser.render``),
the one inline script left in its page editor. The admin's policy allows no inline script,
so ``BaseChooser.render`` is replaced (at start-up, core.apps) by one that writes the same
constructor name, id and options into a ``<template data-admin-init="chooser">`` marker;
static/js/admin/inline-init.js makes the same call from it. A chooser that writes its own
JavaScript (``render_js_init`` overridden, as the workflow task chooser does) is mapped by
name in CUSTOM_INIT or keeps Wagtail's script, which the policy then blocks and the browser
tests report.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

# Choosers whose render_js_init calls a function instead of `new <js_constructor>(id, opts)`.
CUSTOM_INIT = {"wagtail.admin.widgets.workflows.AdminTaskChooser": "createTaskChooser"}


def install() -> None:
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "_toto_csp", False):
        return
    wagtail_render = BaseChooser.render

    def render(
        self: Any, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        cls = type(self)
        path = f"{cls.__module__}.{cls.__qualname__}"
        custom = CUSTOM_INIT.get(path)
        if custom is None and cls.render_js_init is not BaseChooser.render_js_init:
            return wagtail_render(self, name, value, attrs, renderer)
        try:
            id_ = attrs["id"]  # type: ignore[index]
        except (KeyError, TypeError) as error:
            raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
        value_data = self.get_value_data(value)
        widget_html = self.render_html(name, value_data, attrs)
        if custom is not None:
            marker = format_html(
                '<template data-admin-init="function" data-function="{}" data-target="{}">'
                "</template>",
                custom,
                id_,
            )
        else:
            marker = format_html(
                '<template data-admin-init="chooser" data-constructor="{}" data-target="{}"'
                ' data-options="{}"></template>',
                self.js_constructor,
                id_,
                json.dumps(self.get_js_init_options(id_, name, value_data)),
            )
        return SafeString(f"{widget_html}{marker}")

    render._toto_csp = True  # type: ignore[attr-defined]
    BaseChooser.render = render
