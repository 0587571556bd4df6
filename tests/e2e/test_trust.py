"""Trust in a real browser: a new learner signs up accepting the terms; a finance admin
(the Finance group, two-factor sign-in) grants them credits with a reason; the learner sees
it in their wallet; a new terms version is published and the learner is asked to accept it
before the wallet opens again. Desktop and a 390 x 844 phone, axe on each learner page."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

REASON = "Sorry the tutor chat was down on Monday"


@pytest.fixture
def legal_site(transactional_db: None, settings: Any) -> None:
    from cms.site.demo import ensure_home_page, ensure_legal_pages, ensure_locales

    settings.LEGAL_ACCEPTANCE_REQUIRED = True
    ensure_locales()
    ensure_home_page()
    ensure_legal_pages()


@pytest.fixture
def finance_clerk(user_factory: Any) -> Any:
    from django.contrib.auth.models import Group

    from accounts.testing import activate_totp

    clerk = user_factory(email="fin@example.com", is_staff=True)
    clerk.groups.add(Group.objects.get_or_create(name="Finance")[0])
    # The Finance group's permissions (credits migration 0004) are flushed between
    # transactional tests: grant them as the migration does.
    from django.contrib.auth.models import Permission

    finance = Group.objects.get(name="Finance")
    finance.permissions.add(
        *Permission.objects.filter(
            codename__in=["add_creditadjustment", "view_creditadjustment", "access_admin"]
        )
    )
    clerk.totp_secret = activate_totp(clerk)
    return clerk


@pytest.mark.parametrize(
    "viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_sign_up_accepting_terms_then_an_admin_credit_adjustment_reaches_the_wallet(
    browser: Any,
    live_server: Any,
    legal_site: None,
    finance_clerk: Any,
    staff_sign_in: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
    viewport: Any,
) -> None:
    from accounts.models import User
    from cms.site.models import LegalAcceptance, LegalPage

    url = live_server.url
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Sign up: the terms box is required and linked.
    page.goto(url + "/accounts/signup/")
    page.get_by_label("Full name").fill("Tess Trust")
    page.get_by_label("Email").fill("tess@example.com")
    page.locator("#id_password1").fill("Gr33n-tea-at-noon")
    expect(page.get_by_role("link", name="Terms of service").first).to_be_visible()
    page.get_by_label("I accept the terms of service and the privacy policy").check()
    axe(page)
    no_sideways_scroll(page)
    screenshot("signup", page=page)
    page.get_by_role("button", name="Sign Up").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    tess = User.objects.get(email="tess@example.com")
    assert LegalAcceptance.objects.filter(user=tess).count() == 3

    # A finance admin grants credits with a reason.
    admin_page = browser.new_context().new_page()
    admin_page.set_default_timeout(15_000)
    form_url = url + "/admin/finance/credit-adjustments/new/"
    staff_sign_in(admin_page, form_url, finance_clerk)
    admin_page.get_by_label("Learner's email address").fill("tess@example.com")
    admin_page.get_by_role("spinbutton", name=re.compile("^Credits")).fill("25")
    admin_page.get_by_label("Reason").fill(REASON)
    admin_page.get_by_role("button", name="Adjust credits").click()
    expect(admin_page.get_by_text("Granted 25.00 credits")).to_be_visible()
    screenshot("admin-adjusted", page=admin_page)

    # The learner sees it in the wallet, with the reason.
    page.goto(url + "/wallet/")
    expect(page.get_by_test_id("credits")).to_have_text("25")
    expect(page.get_by_role("cell", name=REASON)).to_be_visible()
    axe(page)
    no_sideways_scroll(page)
    screenshot("wallet", page=page)

    # New terms: the wallet waits until they are accepted.
    terms = LegalPage.objects.get(document="terms")
    terms.version = 2
    terms.summary = "Refunds of lesson packs are now pro rata."
    terms.save_revision().publish()
    page.goto(url + "/wallet/")
    expect(page).to_have_url(re.compile(r"/legal/accept/\?next=%2Fwallet%2F"))
    expect(page.get_by_role("heading", name="Please review our updated terms")).to_be_visible()
    axe(page)
    no_sideways_scroll(page)
    screenshot("accept-updated-terms", page=page)
    page.get_by_label("I have read and accept these documents").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page).to_have_url(url + "/wallet/")
    assert LegalAcceptance.objects.filter(user=tess, document="terms", version=2).exists()

    # The footer links to the documents; the cookie policy says what is set.
    page.get_by_role("contentinfo").get_by_role("link", name="Cookie policy").click()
    expect(page.get_by_role("heading", name="Cookie policy")).to_be_visible()
    axe(page)
    no_sideways_scroll(page)
    screenshot("cookie-policy", page=page)
    context.close()
