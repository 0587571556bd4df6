"""The Wagtail admin in the design system: static/css/admin-theme.css sets Wagtail's colour and
font properties from frontend/toto.css's tokens, and every admin page links it and shows
Toto's name and logo (templates/wagtailadmin/)."""

from __future__ import annotations

import colorsys
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
THEME = ROOT / "static/css/admin-theme.css"
TOKENS = ROOT / "frontend/toto.css"

# "--w-color-secondary: #0b6e4f; /* brand-700 */": a Wagtail property, its value, its token.
DECLARATION = re.compile(r"(--w-[\w-]+):\s*([^;]+);\s*/\*\s*([\w-]+)(?:\s+(#[0-9a-f]{6}))?\s*\*/")


def tokens() -> dict[str, str]:
    text = TOKENS.read_text()
    found = {
        name: value.strip() for name, value in re.findall(r"--color-([\w-]+):\s*([^;]+);", text)
    }
    found["font-sans"] = re.search(r"--font-sans:\s*([^;]+);", text).group(1).strip()  # type: ignore[union-attr]
    return found


def hsl(hex_colour: str) -> tuple[float, float, float]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    return hue * 360, saturation * 100, lightness * 100


def test_every_admin_colour_is_a_design_token() -> None:
    known = tokens()
    declarations = DECLARATION.findall(THEME.read_text())
    assert len(declarations) >= 10
    names = {name for name, *_ in declarations}
    # The colours people see most: sidebar, buttons and links, focus ring, font.
    assert {
        "--w-color-primary-hue",
        "--w-color-secondary",
        "--w-color-focus",
        "--w-font-sans",
    } <= names
    for name, value, token, token_hex in declarations:
        assert token in known, f"{name} names {token}, not a token of frontend/toto.css"
        if name.endswith(("-hue", "-saturation", "-lightness")):
            # A channel of the token's colour (Wagtail derives its hover shades from them).
            assert token_hex == known[token], f"{name}: {token} is {known[token]} now"
            channel = {"hue": 0, "saturation": 1, "lightness": 2}[name.rsplit("-", 1)[1]]
            assert abs(float(value.rstrip("%")) - hsl(known[token])[channel]) < 0.1, name
        else:
            assert value.strip() == known[token], f"{name} is {value}, {token} is {known[token]}"


@pytest.mark.django_db
def test_admin_pages_link_the_theme_and_show_totos_name_and_logo(
    client: Client, admin: Any
) -> None:
    client.force_login(admin)
    home = client.get("/admin/")
    assert home.status_code == 200
    html = home.content.decode()
    assert '<link rel="stylesheet" href="/static/css/admin-theme.css">' in html
    # After Wagtail's own stylesheet, so these properties win.
    assert html.index("wagtailadmin/css/core.css") < html.index("css/admin-theme.css")
    assert re.search(r"<title>[^<]*- Toto</title>", html)
    assert 'href="/static/img/favicon.svg"' in html
    logo = re.search(r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", html, re.S)
    assert logo and 'src="/static/img/logo.svg"' in logo.group(1)
    assert "Wagtail" not in html.split("<title>")[1].split("</title>")[0]


@pytest.mark.django_db
def test_wagtails_own_sign_in_form_is_branded_too() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from wagtail.admin.forms.auth import LoginForm

    request = RequestFactory().get("/admin/login/")
    request.user = AnonymousUser()
    html = render_to_string("wagtailadmin/login.html", {"form": LoginForm(request)}, request)
    assert "Sign in to Toto" in html and "Sign in to Wagtail" not in html
    assert 'src="/static/img/logo.svg" alt="Toto"' in html
    assert "css/admin-theme.css" in html
