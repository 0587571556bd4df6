"""Pytest fixtures for the money apps' tests (imported by their conftest modules)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from credits.models import CreditPackage, CreditPackagePrice, FeaturePrice, Plan, PlanPrice


@pytest.fixture
def feature_price(db: None) -> FeaturePrice:
    return FeaturePrice.objects.create(
        feature="tutor-chat",
        label="AI tutor message",
        unit="message",
        credits_per_unit=Decimal("1"),
    )


@pytest.fixture
def free_plan(db: None) -> Plan:
    return Plan.objects.create(
        name="Free", slug="free", monthly_free_credits=Decimal("5"), is_default=True
    )


@pytest.fixture
def premium_plan(db: None) -> Plan:
    plan = Plan.objects.create(
        name="Premium",
        slug="premium",
        unlimited_ai=True,
        fair_use_monthly_credits=Decimal("3"),
    )
    PlanPrice.objects.create(plan=plan, currency="USD", amount=Decimal("9.99"))
    PlanPrice.objects.create(plan=plan, currency="INR", amount=Decimal("799"))
    return plan


@pytest.fixture
def package(db: None) -> CreditPackage:
    package = CreditPackage.objects.create(name="Starter", slug="starter", credits=Decimal("100"))
    CreditPackagePrice.objects.create(package=package, currency="USD", amount=Decimal("10.00"))
    CreditPackagePrice.objects.create(package=package, currency="EUR", amount=Decimal("9.00"))
    CreditPackagePrice.objects.create(package=package, currency="INR", amount=Decimal("800.00"))
    return package


@pytest.fixture
def give_credits() -> Callable[..., Any]:
    from credits.services import grant_credits

    def give(user: Any, credits: int | str, key: str = "test-topup") -> Any:
        return grant_credits(user, Decimal(credits), idempotency_key=f"{key}:{user.pk}")

    return give
