"""The Content-Security-Policy header on every kind of response (core.csp, django-csp).

The browser tests prove that pages work under the policy (tests/e2e, every test fails on a
violation); these pin the policy itself: what the website and the admin allow, the nonce,
the WebSocket origins of the request's host, the report-only switch, and the markup rules
(no inline scripts, styles or handlers in our templates; Alpine directives the CSP build
can evaluate).
"""

import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_FOLDERS = [
    ROOT / "templates",
    *ROOT.glob("platform/*/templates"),
    *ROOT.glob("cms/*/templates"),
]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
def test_website_pages_error_pages_and_the_api_carry_the_strict_policy(client: Client) -> None:
    for path, status in (("/style-guide/", 200), ("/no-such-page/", 404), ("/api/v1/health/", 200)):
        response = client.get(path)
        assert response.status_code == status, path
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"][0] == "'self'"
        assert "'unsafe-inline'" not in policy["script-src"]
        assert "'unsafe-eval'" not in policy["script-src"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        # WebSockets to this host, exactly (older Safari does not count them as 'self').
        assert {"ws://testserver", "wss://testserver"} <= set(policy["connect-src"])


@pytest.mark.django_db
def test_the_admin_policy_differs_only_where_wagtail_needs_it(client: Client) -> None:
    response = client.get("/admin/login/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]  # the page editor's live preview
    assert policy["object-src"] == ["'none'"]


def test_a_nonce_is_in_the_header_only_when_a_page_used_it() -> None:
    from django.http import HttpResponse

    from core.csp import TotoCSPMiddleware

    def view(request):  # type: ignore[no-untyped-def]
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request = RequestFactory().get("/")
    response = TotoCSPMiddleware(view)(request)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce and nonce.group(1) in response.content.decode()
    second = TotoCSPMiddleware(view)(RequestFactory().get("/"))
    assert nonce.group(1) not in second["Content-Security-Policy"]  # one per request

    unused = TotoCSPMiddleware(lambda request: HttpResponse("x"))(RequestFactory().get("/"))
    assert "nonce-" not in unused["Content-Security-Policy"]


def test_report_only_sends_the_same_policy_without_enforcing_it() -> None:
    from django.conf import settings
    from django.http import HttpResponse

    from core.csp import TotoCSPMiddleware

    with override_settings(
        TOTO_CSP_REPORT_ONLY=True,
        CONTENT_SECURITY_POLICY=None,
        CONTENT_SECURITY_POLICY_REPORT_ONLY=settings.CONTENT_SECURITY_POLICY,
    ):
        response = TotoCSPMiddleware(lambda request: HttpResponse("x"))(
            RequestFactory().get("/admin/")
        )
    assert "Content-Security-Policy" not in response
    policy = directives(response["Content-Security-Policy-Report-Only"])
    assert policy["frame-ancestors"] == ["'self'"]  # the admin's, as when enforced
    assert "ws://testserver" in policy["connect-src"]


def test_report_only_is_switched_by_the_environment(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "from django.conf import settings as s;"
        "print(s.CONTENT_SECURITY_POLICY is None, bool(s.CONTENT_SECURITY_POLICY_REPORT_ONLY))"
    )
    env = {**os.environ, "CSP_REPORT_ONLY": "true", "DJANGO_SETTINGS_MODULE": "toto.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert out.split() == ["True", "True"]


def _templates() -> list[Path]:
    """Templates of pages. Email bodies (``…/email/…``) are left out: they are read in mail
    clients, not under our CSP, and mail clients need their styles inline."""
    return [
        path
        for folder in TEMPLATE_FOLDERS
        for path in folder.rglob("*.html")
        if "email" not in path.relative_to(folder).parts[:-1]
    ]


_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def _markup(path: Path) -> str:
    """The template without its comments (kept as blank lines, so line numbers hold)."""
    return _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), path.read_text())


def test_our_templates_hold_no_inline_script_style_or_handler() -> None:
    inline_script = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I
    )
    offences = []
    for path in _templates():
        text = _markup(path)
        for pattern, what in (
            (inline_script, "inline <script>"),
            (re.compile(r"<style\b", re.I), "<style>"),
            (re.compile(r"\sstyle=", re.I), "style attribute"),
            (re.compile(r"\son[a-z]+=", re.I), "on… handler"),
        ):
            for match in pattern.finditer(text):
                if what == "inline <script>" and "nonce=" in match.group(0):
                    continue  # an override of a third-party template, carrying the nonce
                line = text.count("\n", 0, match.start()) + 1
                offences.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not offences, "\n".join(offences)


def test_alpine_directives_are_simple_enough_for_the_csp_build() -> None:
    """The CSP build parses a small expression language: property names, method calls with
    literal arguments, negation, comparisons. Components with state and logic are
    registered with Alpine.data() in static/js (docs/design.md "CSP rules")."""
    directive = re.compile(
        r"""\s(x-data|x-init|x-effect|x-[a-z]+(?::[\w.-]+)?|@[\w.:-]+|:[\w.-]+)="([^"]*)\""""
    )
    forbidden = [
        (re.compile(r"=>"), "arrow function"),
        (re.compile(r"`"), "template literal"),
        (re.compile(r"\{"), "object literal (register a component instead)"),
        (re.compile(r"(?<![=!<>])=(?!=)"), "assignment"),
        (re.compile(r"\bfunction\b|\bnew\b"), "function or new"),
    ]
    offences = []
    for path in _templates():
        text = _markup(path)
        for match in directive.finditer(text):
            name, expression = match.groups()
            if name in {"x-ref", "x-cloak", "x-transition", "x-ignore", "x-teleport", "x-id"}:
                continue
            if "{{" in expression or "{%" in expression:
                offences.append(f"{path.relative_to(ROOT)}: {name} built by the template")
                continue
            for pattern, what in forbidden:
                if pattern.search(expression):
                    offences.append(f'{path.relative_to(ROOT)}: {name}="{expression}": {what}')
    assert not offences, "\n".join(offences)
