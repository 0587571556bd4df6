"""The website's referrals page: my code, share link with a copy button, my referrals."""

import pytest

from referrals.models import Referral, ReferralCode

pytestmark = pytest.mark.django_db


def test_referrals_page_shows_code_link_and_my_referrals_only(
    client, student, other_student, user_factory, assert_num_queries
):
    client.force_login(student)
    page = client.get("/referrals/")
    assert page.status_code == 200
    code = ReferralCode.objects.get(user=student).code
    html = page.content.decode()
    assert f'value="http://testserver/r/{code}/"' in html
    assert 'data-copy-target="share-link"' in html and 'for="share-link"' in html
    assert "Nobody has joined with your link yet" in html

    friend = user_factory(email="friend@example.com", first_name="Farah", last_name="Secret")
    other = user_factory(email="stranger@example.com", first_name="Stella")
    Referral.objects.create(referrer=student, referred=friend, code=code)
    Referral.objects.create(
        referrer=student,
        referred=user_factory(email="quick@example.com", first_name="Quinn"),
        code=code,
        status="flagged",
        flags=["shared_ip"],
    )
    Referral.objects.create(referrer=other_student, referred=other, code="OTHER")
    # session, user, interface language, code, programme settings, 2 x permissions (user
    # bar), verified-email banner, referrals, site, site settings: the same for any number of
    # referrals.
    with assert_num_queries(12):
        html = client.get("/referrals/").content.decode()
    assert "Farah" in html and "Waiting for a first purchase" in html
    assert "Quinn" in html and "Being checked" in html and "shared_ip" not in html
    # Only first names of my own referrals: no surnames, emails or other people's referrals.
    assert "Secret" not in html and "friend@example.com" not in html and "Stella" not in html
    assert ReferralCode.objects.filter(user=student).count() == 1


def test_referrals_page_needs_a_login(client):
    response = client.get("/referrals/")
    assert response.status_code == 302 and "/login" in response["Location"]
