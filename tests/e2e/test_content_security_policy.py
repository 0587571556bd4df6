"""The Content-Security-Policy holds on one page of each kind, in a real browser.

Every browser test fails on a CSP violation (the ``csp_violations`` fixture in conftest.py);
this one walks a page of each type that the other tests may not reach in one go — the home
page, the lesson catalogue and player, tutoring, chat (over WebSockets), wallet, translate,
the style guide's Alpine components (tabs and a dialog, on Alpine's CSP build), the API docs,
the error pages, the Wagtail admin's dashboard and page editor and an inline panel's "Add" —
and checks that each answered with the policy, that the interactive parts still work under
it, and that a violation is in fact caught (an inline script the policy refuses).
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _policy(response) -> str:  # type: ignore[no-untyped-def]
    policy = response.headers.get("content-security-policy", "")
    assert policy, f"{response.url} has no Content-Security-Policy header"
    return policy


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())


def _website_policy_holds(policy: str) -> None:
    directives = _directives(policy)
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"


def _sign_in(page, base_url: str, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


def test_every_kind_of_website_page_keeps_its_policy(
    page, asgi_live_server, demo_site, csp_violations
) -> None:
    from accounts.models import User
    from cms.learning.models import LessonPage

    base = asgi_live_server
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(45_000)

    # Anonymous: the home page, the style guide's Alpine components, the API docs, errors.
    _website_policy_holds(_policy(page.goto(base + "/")))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    _website_policy_holds(_policy(page.goto(base + "/style-guide/")))
    tabs = page.get_by_role("tablist", name="Bookings")
    tabs.get_by_role("tab", name="Past").click()
    expect(page.get_by_text("Last week · Ser or estar?")).to_be_visible()
    expect(page.get_by_text("Tuesday 18:00")).to_be_hidden()
    tabs.get_by_role("tab", name="Past").press("ArrowRight")
    expect(tabs.get_by_role("tab", name="Cancelled")).to_be_focused()
    expect(tabs.get_by_role("tab", name="Cancelled")).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Cancel booking…").click()
    expect(page.get_by_role("dialog", name="Cancel this booking?")).to_be_visible()
    page.get_by_role("button", name="Keep it").click()
    expect(page.get_by_role("dialog", name="Cancel this booking?")).to_be_hidden()
    # The colour swatches are painted by the style guide's script, not by style="…".
    chip = page.locator("[data-colour-token]").first
    assert chip.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"

    docs = page.goto(base + "/api/docs/")
    assert "script-src 'self'" in _policy(docs)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Toto API")

    missing = page.goto(base + "/no-such-page/")
    assert missing is not None and missing.status == 404
    _website_policy_holds(_policy(missing))

    # A learner: lessons, the lesson player, tutoring, chat, wallet, translate.
    _sign_in(page, base, User.objects.get(email="student@toto.localhost"))
    for path in ("/learn/", "/tutoring/", "/wallet/", "/translate/", "/rooms/"):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        _website_policy_holds(_policy(response))
        expect(page.locator("main h1").first).to_be_visible()

    lesson = LessonPage.objects.live().filter(title="Hello and goodbye").first()
    assert lesson is not None
    _website_policy_holds(_policy(page.goto(base + lesson.url)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello and goodbye")

    _website_policy_holds(_policy(page.goto(base + "/chat/")))
    # The chat's socket connects under connect-src (ws:// of this host).
    expect(page.locator("#connection-status")).to_have_text("Online")

    # A violation is caught: an inline script without the nonce is refused and reported.
    page.goto(base + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.append(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__ran === undefined")
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()


def test_the_admin_dashboard_page_editor_and_inline_panels_keep_theirs(
    page, live_server, demo_site, staff_sign_in
) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from accounts.testing import activate_totp
    from cms.learning.models import LessonPage

    admin = get_user_model().objects.get(email="admin@toto.localhost")
    admin.totp_secret = activate_totp(admin)
    page.set_default_navigation_timeout(45_000)
    staff_sign_in(page, live_server.url + "/admin/", admin, password="toto-demo-2026")
    dashboard = page.reload()
    admin_policy = _directives(_policy(dashboard))
    # The header's directive order is django-csp's, not ours: read it by name.
    assert admin_policy["script-src"].startswith("'self'")
    assert "'unsafe-inline'" not in admin_policy["script-src"]
    assert admin_policy["frame-ancestors"] == "'self'"

    lesson = LessonPage.objects.live().filter(title="Hello and goodbye").first()
    assert lesson is not None
    page.goto(f"{live_server.url}/admin/pages/{lesson.pk}/edit/")
    expect(page.locator("#id_title")).to_have_value("Hello and goodbye")
    # The live preview (a same-origin frame) opens under frame-ancestors 'self'.
    page.get_by_role("button", name=re.compile("Toggle preview|Preview", re.I)).first.click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_contain_text("Hello and goodbye")

    # The website as staff: Wagtail's user bar (its own script and styles) under the
    # website's strict policy.
    page.goto(live_server.url + lesson.url)
    expect(page.locator("wagtail-userbar")).to_be_attached()
    page.locator("wagtail-userbar").locator("button").first.click()
    page.wait_for_timeout(500)

    # An inline panel (Wagtail wrote an inline script for it; our marker makes the call):
    # "Add price" appends a child form, which only works once InlinePanel is set up.
    page.goto(live_server.url + reverse("wagtailsnippets_credits_creditpackage:add"))
    total = page.locator("#id_prices-TOTAL_FORMS")
    before = int(total.input_value())
    page.get_by_role("button", name=re.compile("Add price", re.I)).click()
    expect(total).to_have_value(str(before + 1))
    expect(page.locator(f"#inline_child_prices-{before}")).to_be_visible()
