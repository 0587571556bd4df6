"""The website signs new accounts in at once; a banner on every page leads unverified users
to the code page, which they may reach any time later."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.selectors import is_email_verified
from accounts.testing import code_in

pytestmark = pytest.mark.django_db

BANNER = 'class="verify-banner"'


def test_sign_up_signs_in_shows_the_code_page_and_a_banner_until_verified(
    mailbox, client: Client
) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Rosa Díaz",
            "email": "rosa@example.com",
            "password1": "Gr33n-tea-at-noon",
            "role": "student",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="rosa@example.com")
    assert not is_email_verified(user)

    # Signed in already: the profile opens, with the banner linking to the code page.
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    html = page.content.decode()
    assert BANNER in html
    assert 'href="/accounts/confirm-email/"' in html
    # Every page, not only the account's own.
    page = client.get("/translate/")
    assert page.status_code == 200
    assert BANNER in page.content.decode()
    # No banner on the code page itself.
    assert BANNER not in client.get("/accounts/confirm-email/").content.decode()

    wrong = client.post("/accounts/confirm-email/", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 200
    assert not is_email_verified(user)
    right = client.post("/accounts/confirm-email/", {"code": code_in(mailbox[0])})
    assert right.status_code == 302
    # A new learner's next step is choosing interests (with a skip link to the profile).
    assert right["Location"] == "/social/interests/?welcome=1"
    assert is_email_verified(user)
    assert BANNER not in client.get("/accounts/profile/").content.decode()


def test_a_later_sign_in_offers_to_email_a_new_code(mailbox, client: Client, user_factory) -> None:
    user = user_factory(email="una@example.com", verified=False)
    response = client.post(
        "/accounts/login/", {"login": "una@example.com", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    html = client.get("/accounts/profile/").content.decode()
    assert BANNER in html
    assert 'name="action_send"' in html
    assert mailbox == []

    response = client.post("/accounts/email/", {"email": "una@example.com", "action_send": ""})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert [message.to for message in mailbox] == [["una@example.com"]]
    client.post("/accounts/confirm-email/", {"code": code_in(mailbox[0])})
    assert is_email_verified(user)


def test_verified_and_anonymous_visitors_see_no_banner(client: Client, student) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert BANNER not in page.content.decode()
    client.force_login(student)
    page = client.get("/translate/")
    assert page.status_code == 200
    assert BANNER not in page.content.decode()
