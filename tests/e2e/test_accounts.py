"""Accounts in a real browser: sign up with a role (signed in at once) → profile while
unverified, with the banner → code → avatar → sign out → sign in → forgotten password by
code → export → deletion."""

import json
import re
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from accounts.testing import code_in

pytestmark = pytest.mark.e2e


def wait_for_mail(to: str, after: int = 0, timeout: float = 20) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox[after:]:
            if to in message.to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email to {to}")


@pytest.fixture
def avatar_file(tmp_path: Path) -> Path:
    path = tmp_path / "me.jpg"
    buffer = BytesIO()
    Image.new("RGB", (800, 600), (11, 110, 79)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_sign_up_verify_profile_sign_in_reset_export_delete(
    page, live_server, celery_worker, screenshot, avatar_file: Path, tmp_path: Path
) -> None:
    mail.outbox = []
    page.set_default_timeout(10_000)
    url = live_server.url
    page.goto(url + "/accounts/login/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(url + "/accounts/signup/")
    page.get_by_label("Full name").fill("Rosa <b>Bold</b> Díaz")
    page.get_by_label("Email").fill("rosa@example.com")
    page.locator("#id_password1").fill("Gr33n-tea-at-noon")
    page.get_by_label("Teach").check()
    screenshot("signup")
    page.get_by_role("button", name="Sign Up").click()

    # Signed in at once, on the code page; the code can wait.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    code = code_in(wait_for_mail("rosa@example.com"))
    screenshot("verify-code")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rosa").click()
    expect(page).to_have_url(url + "/accounts/profile/")
    banner = page.locator(".verify-banner")
    expect(banner).to_contain_text("Verify your email address rosa@example.com")
    # The name is shown as typed, never interpreted as HTML.
    expect(page.locator(".profile-name")).to_have_text("Rosa <b>Bold</b> Díaz")
    expect(page.locator(".profile-name b")).to_have_count(0)

    # An unverified account edits its profile.
    page.get_by_label("Bio").fill("Profesora de español.")
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Bio")).to_have_value("Profesora de español.")
    screenshot("unverified-banner")

    # Later, from the banner: the code.
    banner.get_by_role("link", name="Enter the code we emailed you").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    page.get_by_label("Code").fill("WRONG-CODE")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".errorlist, ul.errorlist")).to_be_visible()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(url + "/accounts/profile/")
    expect(page.locator(".verify-banner")).to_have_count(0)

    page.get_by_label("Avatar").set_input_files(str(avatar_file))
    page.get_by_role("button", name="Upload picture").click()
    expect(page.get_by_text("Your new picture is saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your picture")).to_have_attribute(
        "src", re.compile(r"\.webp$")
    )
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"<?php echo 'not an image'; ?>")
    page.get_by_label("Avatar").set_input_files(str(fake))
    page.get_by_role("button", name="Upload picture").click()
    expect(page.get_by_text("not a JPEG, PNG or WebP image")).to_be_visible()
    screenshot("profile")

    # Sign out, then back in.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign Out").click()
    page.goto(url + "/accounts/profile/")  # signed out: sent to sign in
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/profile/"))
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_label("Password").fill("Gr33n-tea-at-noon")
    screenshot("signin")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(url + "/accounts/profile/")

    # Forgotten password, by code.
    page.goto(url + "/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    page.goto(url + "/accounts/password/reset/")
    sent = len(mail.outbox)
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_role("button", name="Reset My Password").click()
    code = code_in(wait_for_mail("rosa@example.com", after=sent))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    page.locator("#id_password1").fill("Blue-coffee-at-six")
    page.locator("#id_password2").fill("Blue-coffee-at-six")
    screenshot("new-password")
    page.get_by_role("button", name="Change Password").click()
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_label("Password").fill("Blue-coffee-at-six")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(url + "/accounts/profile/")

    # Export.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    exported = json.loads(Path(download_info.value.path()).read_text())
    assert exported["account"]["email"] == "rosa@example.com"
    assert exported["profile"]["bio"] == "Profesora de español."
    assert exported["teacher"] is not None

    # Deletion.
    page.get_by_role("link", name="Delete my account").click()
    screenshot("delete")
    page.get_by_role("button", name="Delete my account").click()
    # Not confirmed: the browser keeps the form (the checkbox is required).
    expect(page).to_have_url(url + "/accounts/profile/delete/")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill("rosa@example.com")
    page.get_by_label("Password").fill("Blue-coffee-at-six")
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator(".errorlist")).to_be_visible()


def test_admins_enter_a_totp_code_and_manage_members(
    page, live_server, transactional_db, role_user, screenshot
) -> None:
    from accounts.roles import Role
    from accounts.testing import totp_code

    page.set_default_timeout(10_000)
    admin = role_user(Role.ADMIN, email="ada@example.com", first_name="Ada")
    role_user(Role.STUDENT, email="sam@example.com", first_name="Sam")
    url = live_server.url
    page.goto(url + "/admin/members/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill(totp_code(admin.totp_secret))
    screenshot("totp")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(url + "/admin/members/")

    page.goto(url + "/admin/members/?role=student")
    expect(page.get_by_role("link", name="sam@example.com")).to_be_visible()
    expect(page.get_by_role("link", name="ada@example.com")).to_have_count(0)
    screenshot("members")
    page.get_by_role("link", name="sam@example.com").click()
    page.get_by_label("Reason").fill("Spam in chat")
    page.get_by_role("button", name="Suspend").click()
    expect(page.get_by_text("The account is suspended.")).to_be_visible()
    screenshot("member-suspended")
