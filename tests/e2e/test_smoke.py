import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_page_and_admin_login_in_a_real_browser(
    page, live_server, demo_site, screenshot
) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learn languages")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    screenshot("home")

    # The header's switcher (the footer has a second one for phones).
    switcher = page.get_by_role("navigation", name="Main")
    switcher.get_by_label("Language").select_option("es")
    switcher.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aprende idiomas")
    screenshot("home-es")

    # And back, in Spanish: the switcher keeps its place and the choice sticks for the admin.
    switcher = page.get_by_role("navigation", name="Principal")
    switcher.get_by_label("Idioma").select_option("en")
    switcher.get_by_role("button", name="Cambiar").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Admins sign in through allauth and, outside `make run`, with a second factor.
    from django.contrib.auth import get_user_model

    from accounts.testing import activate_totp, totp_code

    secret = activate_totp(get_user_model().objects.get(email="admin@toto.localhost"))
    page.goto(live_server.url + "/admin/login/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill("admin@toto.localhost")
    page.get_by_label("Password").fill("toto-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    expect(page).to_have_title(re.compile("Dashboard|Panel"))
    screenshot("admin-dashboard")
