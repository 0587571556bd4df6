"""A teacher's bank account in a real browser: the teacher adds it on the payout method page
(linked from their earnings) on a 390 x 844 phone and sees it masked, also at desktop size;
in the admin a staff member without the finance permission sees it masked with no way to
reveal it; a finance admin reveals it and the reveal is in Wagtail's log. axe and sideways
scroll on the teacher's pages."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

IBAN = "ES91 2100 0418 4502 0005 1332"


def _staff(user_factory: Any, email: str, codenames: list[str], group: str = "") -> Any:
    from django.contrib.auth.models import Group, Permission

    from accounts.testing import activate_totp

    person = user_factory(email=email, is_staff=True)
    permissions = Permission.objects.filter(codename__in=codenames)
    if group:
        # Migration-made groups are flushed between transactional tests: made as they are.
        made = Group.objects.get_or_create(name=group)[0]
        made.permissions.add(*permissions)
        person.groups.add(made)
    else:
        person.user_permissions.add(*permissions)
    person.totp_secret = activate_totp(person)
    return person


def test_teacher_adds_a_bank_account_that_admins_see_masked_until_finance_reveals_it(
    browser: Any,
    live_server: Any,
    role_user: Any,
    user_factory: Any,
    staff_sign_in: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
) -> None:
    from django.test import Client
    from wagtail.models import ModelLogEntry

    from accounts.roles import Role
    from payouts.models import PayeeProfile

    url = live_server.url
    teacher = role_user(Role.TEACHER, email="tomas@example.com", first_name="Tomás")
    session = Client()
    session.force_login(teacher)
    cookie = {"name": "sessionid", "value": session.cookies["sessionid"].value, "url": url}

    # On a phone: from the earnings page to the payout method page, add the account.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    phone.add_cookies([cookie])
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + "/tutoring/teach/earnings/")
    page.get_by_role("link", name="Manage your payout method and tax documents").click()
    expect(page).to_have_url(url + "/payouts/method/")
    page.get_by_label("Account holder").fill("Tomás Teacher")
    page.get_by_label("IBAN or account number").fill(IBAN)
    page.get_by_label("Bank", exact=True).fill("CaixaBank")
    page.get_by_label("Bank's country").fill("es")
    page.get_by_role("button", name="Save bank account").click()
    expect(page.get_by_test_id("masked-account")).to_have_text("•••• 1332")
    expect(page.get_by_text("2100 0418")).to_have_count(0)
    axe(page)
    no_sideways_scroll(page)
    screenshot("teacher-phone", page=page)
    phone.close()
    assert PayeeProfile.objects.get(user=teacher).account_number == IBAN

    # At desktop size, the earnings page shows it masked too.
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    desktop.add_cookies([cookie])
    page = desktop.new_page()
    page.set_default_timeout(15_000)
    page.goto(url + "/payouts/method/")
    expect(page.get_by_test_id("masked-account")).to_have_text("•••• 1332")
    axe(page)
    screenshot("teacher-desktop", page=page)
    page.goto(url + "/tutoring/teach/earnings/")
    expect(page.get_by_test_id("payout-method")).to_contain_text("•••• 1332")
    desktop.close()

    payee = PayeeProfile.objects.get(user=teacher)
    inspect_url = f"{url}/admin/finance/payees/inspect/{payee.pk}/"

    # Staff without the finance permission: masked, no Reveal button.
    support = _staff(user_factory, "support@example.com", ["access_admin", "view_payeeprofile"])
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin.set_default_timeout(15_000)
    staff_sign_in(admin, inspect_url, support)
    expect(admin.get_by_text("•••• 1332")).to_be_visible()
    expect(admin.get_by_role("button", name="Reveal bank details")).to_have_count(0)
    expect(admin.get_by_text(IBAN)).to_have_count(0)
    screenshot("admin-masked", page=admin)
    admin.context.close()

    # A finance admin reveals it; the reveal is logged with their name.
    finance = _staff(
        user_factory,
        "fin@example.com",
        ["access_admin", "view_payeeprofile", "reveal_bank_details"],
        group="Finance",
    )
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    admin.set_default_timeout(15_000)
    staff_sign_in(admin, inspect_url, finance)
    expect(admin.get_by_text("•••• 1332")).to_be_visible()
    admin.get_by_role("button", name="Reveal bank details").click()
    expect(admin).to_have_url(re.compile(r"/admin/finance/payees/\d+/reveal/"))
    expect(admin.get_by_text(IBAN)).to_be_visible()
    expect(admin.get_by_text("This reveal has been logged.")).to_be_visible()
    screenshot("admin-revealed", page=admin)
    admin.context.close()
    entry = ModelLogEntry.objects.get(action="payouts.reveal_bank_details")
    assert entry.user_id == finance.pk and entry.object_id == str(payee.pk)
