"""Wallet, transactions, packages and plans over the API."""

from decimal import Decimal

import pytest

from credits.services import charge

pytestmark = pytest.mark.django_db


def test_wallet_shows_only_my_balances(
    api_client, student, other_student, feature_price, free_plan, give_credits
):
    give_credits(student, 10)
    give_credits(other_student, 99)
    charge(student, "tutor-chat", 7, "req-1")
    api_client.force_login(student)
    body = api_client.get("/api/v1/wallet/").json()
    assert body["credits"] == "8.00"
    assert body["allowance"] == "0.00"
    assert body["available"] == "8.00"
    assert body["plan"]["slug"] == "free"


def test_wallet_needs_a_login(api_client):
    response = api_client.get("/api/v1/wallet/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_transactions_are_mine_and_query_count_is_pinned(
    api_client, student, other_student, feature_price, give_credits, assert_num_queries
):
    give_credits(other_student, 50)
    give_credits(student, 10)
    charge(student, "tutor-chat", 1, "req-1")
    api_client.force_login(student)
    api_client.get("/api/v1/wallet/transactions/")  # warm the session
    with assert_num_queries(4):  # session, user, count, page
        body = api_client.get("/api/v1/wallet/transactions/").json()
    amounts = sorted(Decimal(row["amount"]) for row in body["results"])
    assert amounts == [Decimal("-1.00"), Decimal("10.00")]
    for n in range(2, 8):
        charge(student, "tutor-chat", 1, f"req-{n}")
    with assert_num_queries(4):
        body = api_client.get("/api/v1/wallet/transactions/?account=wallet").json()
    assert body["count"] == 8
    assert {row["kind"] for row in body["results"]} == {"promotion", "ai_charge"}


def test_packages_and_plans_are_public_with_pinned_queries(
    api_client, package, premium_plan, free_plan, assert_num_queries
):
    with assert_num_queries(3):  # count, rows, prices
        body = api_client.get("/api/v1/credit-packages/").json()
    assert body["results"][0]["credits"] == "100.00"
    assert {p["currency"] for p in body["results"][0]["prices"]} == {"USD", "EUR", "INR"}
    with assert_num_queries(3):
        body = api_client.get("/api/v1/plans/").json()
    assert [p["slug"] for p in body["results"]] == ["free", "premium"]


def test_charge_error_is_402_in_the_api_shape(student, feature_price):
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from credits.errors import InsufficientCredits

    class View(APIView):
        def get(self, request):
            raise InsufficientCredits()

    request = APIRequestFactory().get("/")
    from rest_framework.test import force_authenticate

    force_authenticate(request, student)
    response = View.as_view()(request)
    assert response.status_code == 402
    assert response.data["code"] == "insufficient_credits"


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_since_that_leaves_the_calendar_in_utc_is_a_field_error(api_client, student, since):
    # An offset that takes the date past year 1 or 9999 overflowed: a 500 before.
    api_client.force_login(student)
    response = api_client.get("/api/v1/wallet/transactions/", {"since": since})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["since"]


def test_a_since_with_an_offset_postgresql_refuses_is_read_in_utc(api_client, student):
    # schemathesis sent since=5358-03-05T03:43:18.0973+17:06: PostgreSQL refuses offsets past
    # ±15:59 (a 500 before); the instant is the same in UTC.
    api_client.force_login(student)
    response = api_client.get(
        "/api/v1/wallet/transactions/", {"since": "5358-03-05T03:43:18.0973+17:06"}
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
