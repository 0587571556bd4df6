"""MRR and churn on the finance dashboard, and the Monetisation menu."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics import selectors
from credits import services as credit_services
from credits.models import Interval, Plan, PlanPrice, Subscription, SubscriptionStatus
from credits.testing import premium_plan  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriptions(user_factory, premium_plan):  # type: ignore[no-untyped-def]  # noqa: F811
    yearly = Plan.objects.create(name="Premium yearly", slug="premium-year", interval=Interval.YEAR)
    PlanPrice.objects.create(plan=yearly, currency="USD", amount=Decimal("120.00"))
    unpriced = Plan.objects.create(name="Local", slug="local")
    now = timezone.now()
    for plan, status, period_end in [
        (premium_plan, SubscriptionStatus.ACTIVE, now + timedelta(days=10)),
        (premium_plan, SubscriptionStatus.ACTIVE, None),
        (yearly, SubscriptionStatus.ACTIVE, now + timedelta(days=200)),
        (unpriced, SubscriptionStatus.ACTIVE, None),
        (premium_plan, SubscriptionStatus.ACTIVE, now - timedelta(days=1)),  # lapsed
        (premium_plan, SubscriptionStatus.PAST_DUE, None),
    ]:
        Subscription.objects.create(
            user=user_factory(), plan=plan, status=status, current_period_end=period_end
        )
    # Canceled through the service (as a provider's webhook does) inside the window...
    recent = Subscription.objects.create(
        user=user_factory(), plan=premium_plan, provider="stripe", provider_subscription_id="sub_1"
    )
    credit_services.set_subscription_status(
        provider="stripe", provider_subscription_id="sub_1", status=SubscriptionStatus.CANCELED
    )
    recent.refresh_from_db()
    assert recent.canceled_at is not None
    # ...and one canceled 60 days ago whose row changed since (renewal stopped at erasure):
    # its later change must not count it as churn in this window.
    old = Subscription.objects.create(
        user=user_factory(), plan=premium_plan, status=SubscriptionStatus.CANCELED
    )
    Subscription.objects.filter(pk=old.pk).update(canceled_at=now - timedelta(days=60))
    credit_services.stop_renewal([old.pk])


def test_mrr_and_churn(subscriptions, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(2):
        found = selectors.subscription_metrics("USD", selectors.today())
    # 9.99 + 9.99 + 120/12; the unpriced plan is counted, not priced; lapsed and past-due not.
    assert found["mrr"] == Decimal("29.98")
    assert (found["active"], found["unpriced"], found["canceled"]) == (4, 1, 1)
    assert found["churn_percent"] == 20.0  # 1 canceled of 5 current at the window's start
    assert selectors.subscription_metrics("INR", selectors.today())["mrr"] == Decimal("1598.00")


def test_the_finance_dashboard_shows_them(client, admin, subscriptions) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    page = client.get("/admin/analytics/finance/?days=30&currency=USD")
    assert page.context["subscriptions"]["mrr"] == Decimal("29.98")
    assert b'data-total="mrr">29.98' in page.content
    assert b'data-total="churn">20.0 %' in page.content


def test_the_monetisation_menu_groups_prices_plans_and_reward_rules(client, admin) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    home = client.get("/admin/").content.decode()
    assert "Monetisation" in home and "Pricing" not in home
    for item in ("AI credit prices", "Plans", "Reward rules (XP)"):
        assert item in home
