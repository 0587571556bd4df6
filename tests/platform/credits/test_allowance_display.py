"""The wallet shows this month's free allowance before the month's first charge renews it."""

from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest

from credits.models import AccountKind, Transfer
from credits.services import charge, user_account

pytestmark = pytest.mark.django_db

JAN_END = datetime(2026, 1, 31, 23, 50, tzinfo=UTC)
FEB_START = datetime(2026, 2, 1, 0, 5, tzinfo=UTC)


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return mock.patch("django.utils.timezone.now", return_value=moment)


def wallet(api_client) -> dict:  # type: ignore[no-untyped-def]
    response = api_client.get("/api/v1/wallet/")
    assert response.status_code == 200
    return response.json()


def test_new_user_sees_the_full_allowance_before_any_charge(api_client, student, free_plan):
    api_client.force_login(student)
    body = wallet(api_client)
    assert (body["allowance"], body["available"]) == ("5.00", "5.00")
    assert not Transfer.objects.exists()  # reading posts nothing


def test_allowance_shown_across_a_month_boundary(
    api_client, client, student, feature_price, free_plan, give_credits
):
    give_credits(student, 10)
    api_client.force_login(student)
    with at(JAN_END):
        charge(student, "tutor-chat", 4, "jan-1")
        assert wallet(api_client)["allowance"] == "1.00"
    with at(FEB_START):
        body = wallet(api_client)
        # The account still holds January's 1.00 until February's first charge renews it.
        assert user_account(student, AccountKind.ALLOWANCE).balance == Decimal("1.00")
        assert (body["allowance"], body["credits"], body["available"]) == (
            "5.00",
            "10.00",
            "15.00",
        )
        client.force_login(student)
        page = client.get("/wallet/")
        assert page.context["wallet"]["allowance"] == Decimal("5.00")
        charge(student, "tutor-chat", 2, "feb-1")
        assert wallet(api_client)["allowance"] == "3.00"
    assert user_account(student, AccountKind.ALLOWANCE).balance == Decimal("3.00")


def test_premium_subscriber_sees_no_free_allowance_when_plan_has_none(
    api_client, student, premium_plan, free_plan
):
    from credits.services import activate_subscription

    activate_subscription(
        user=student, plan=premium_plan, provider="stripe", current_period_end=None
    )
    api_client.force_login(student)
    assert wallet(api_client)["allowance"] == "0.00"
