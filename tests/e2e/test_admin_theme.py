"""The admin the team, vendors and teachers' moderators see is Toto's: a moderator opens /admin/,
signs in on the website's sign-in page (with the second factor), and lands on a Wagtail
dashboard in the design system's colours with Toto's logo; both pages pass axe, at desktop
and phone size. Screenshots: var/test-artifacts/screenshots/test_admin_theme*."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", SIZES)
def test_the_admin_wears_totos_design(
    size, page, live_server, transactional_db, role_user, screenshot, axe, no_sideways_scroll
) -> None:
    from accounts.roles import Role
    from accounts.testing import totp_code

    page.set_default_timeout(15_000)
    page.set_viewport_size(SIZES[size])
    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")

    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.wait_for_load_state("networkidle")
    axe(page)
    no_sideways_scroll(page)
    screenshot("sign-in")

    page.get_by_label("Email").fill(moderator.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.wait_for_load_state("networkidle")
    page.get_by_label("Code").fill(totp_code(moderator.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    page.wait_for_load_state("networkidle")

    expect(page).to_have_title(re.compile(r"- Toto$"))
    # Wagtail's colours are the design tokens (static/css/admin-theme.css).
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.documentElement);"
        " return [s.getPropertyValue('--w-color-secondary').trim(),"
        " getComputedStyle(document.querySelector('.sidebar__inner')).backgroundColor]; }"
    )
    assert colours == ["#0b6e4f", "rgb(8, 63, 48)"]  # brand-700; the sidebar brand-900
    if size == "phone":
        page.get_by_role("button", name="Toggle sidebar").first.click()
    logo = page.locator(".sidebar-custom-branding img.toto-admin-logo")
    expect(logo).to_be_visible()
    expect(page.locator(".sidebar-custom-branding")).to_have_attribute("aria-label", "Dashboard")
    axe(page)
    screenshot("dashboard")
