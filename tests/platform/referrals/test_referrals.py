"""Attribution at sign-up, rewards after the first paid purchase, fraud flags and review."""

from decimal import Decimal

import pytest
from allauth.account.signals import user_signed_up
from django.test import RequestFactory

from credits.models import AccountKind
from credits.services import user_account
from payments.services import mark_succeeded, start_checkout
from referrals.models import Referral, ReferralStatus
from referrals.services import attribute_referral, code_for, review_referral

pytestmark = pytest.mark.django_db


def signup(user, code, ip="203.0.113.7", device=""):
    request = RequestFactory().post(
        "/accounts/signup/", HTTP_X_REFERRAL_CODE=code, REMOTE_ADDR=ip, HTTP_X_DEVICE_ID=device
    )
    request.session = {}
    user_signed_up.send(sender=user.__class__, request=request, user=user)
    return Referral.objects.filter(referred=user).first()


def buy(user, providers_settings, fingerprint=""):
    checkout = start_checkout(
        user,
        purpose="credits",
        item={"package": "starter"},
        provider="bank_transfer",
        currency="USD",
    )
    return mark_succeeded(
        checkout.payment, amount=checkout.payment.amount, currency="USD", fingerprint=fingerprint
    )


@pytest.fixture
def cheap_bank_transfer(settings):
    settings.BANK_TRANSFER_MINIMUM = {"USD": "1"}
    return settings


def test_api_gives_code_and_share_link(api_client, student, assert_num_queries):
    api_client.force_login(student)
    body = api_client.get("/api/v1/referrals/").json()
    assert body["share_link"].endswith(f"/r/{body['code']}/")
    with assert_num_queries(4):  # session, user, count, code (no rows)
        api_client.get("/api/v1/referrals/")


def test_share_link_remembers_the_code(client, student):
    code = code_for(student).code
    response = client.get(f"/r/{code.lower()}/")
    assert response.status_code == 302
    assert client.session["referral_code"] == code


def test_both_rewarded_after_first_paid_purchase_only(
    student, user_factory, package, cheap_bank_transfer
):
    friend = user_factory()
    referral = signup(friend, code_for(student).code)
    assert referral.status == ReferralStatus.PENDING
    assert user_account(friend, AccountKind.WALLET).balance == Decimal("0")
    buy(friend, cheap_bank_transfer)
    buy(friend, cheap_bank_transfer)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REWARDED
    assert user_account(student, AccountKind.WALLET).balance == Decimal("50.00")
    assert user_account(friend, AccountKind.WALLET).balance == Decimal("250.00")


def test_self_referral_is_not_attributed(student):
    assert attribute_referral(student, code_for(student).code, {"ip": "198.51.100.1"}) is None


def test_shared_device_is_flagged_and_admin_review_rewards(
    student, user_factory, admin, package, cheap_bank_transfer
):
    code = code_for(student).code
    first = signup(user_factory(), code, ip="198.51.100.1", device="device-A")
    second_user = user_factory()
    second = signup(second_user, code, ip="198.51.100.2", device="device-A")
    assert first.status == ReferralStatus.PENDING
    assert second.status == ReferralStatus.FLAGGED and "shared_device" in second.flags
    buy(second_user, cheap_bank_transfer)
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0")
    review_referral(second, by=admin, approve=True)
    second.refresh_from_db()
    assert second.status == ReferralStatus.REWARDED
    assert user_account(student, AccountKind.WALLET).balance == Decimal("50.00")


def test_shared_payment_fingerprint_is_flagged(student, user_factory, package, cheap_bank_transfer):
    buy(student, cheap_bank_transfer, fingerprint="card-fp-1")
    friend = user_factory()
    referral = signup(friend, code_for(student).code)
    buy(friend, cheap_bank_transfer, fingerprint="card-fp-1")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.FLAGGED and "shared_payment_method" in referral.flags


def test_velocity_cap_flags_the_excess(student, user_factory):
    from referrals.models import ReferralProgramSettings

    program = ReferralProgramSettings.load()
    program.daily_cap = 2
    program.save()
    code = code_for(student).code
    results = [signup(user_factory(), code, ip=f"192.0.2.{n}").status for n in range(3)]
    assert results == [ReferralStatus.PENDING, ReferralStatus.PENDING, ReferralStatus.FLAGGED]
