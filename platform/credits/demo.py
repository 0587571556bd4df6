"""Demo pricing, a funded wallet and an earning teacher. Idempotent."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model

from .models import (
    CreditPackage,
    CreditPackagePrice,
    FeaturePrice,
    Plan,
    PlanPrice,
    UsageCharge,
)
from .services import grant_credits

PACKAGES = [
    ("starter", "Starter", "100", {"USD": "10", "EUR": "9", "INR": "800"}),
    ("learner", "Learner", "500", {"USD": "40", "EUR": "36", "INR": "3200"}),
]
# The AI features platform/ai charges (translate_text, translate_voice, grammar_check,
# writing_feedback) are priced by its migration 0002 and demo; these are the other features
# the platform meters. "translation" was an early name of translate_text: demo sites that
# still have it lose it, unless something was already charged under it.
RETIRED_FEATURES = ["translation"]
FEATURES = [
    ("tutor-chat", "AI tutor message", "message", "1"),
    ("speech-assessment", "Pronunciation assessment", "recording", "2"),
    ("voice-tutor", "Voice tutor", "minute", "3"),
]


def ensure_pricing() -> str:
    Plan.objects.get_or_create(
        slug="free",
        defaults={"name": "Free", "monthly_free_credits": Decimal("20"), "is_default": True},
    )
    for slug, name, interval, prices in [
        (
            "premium-monthly",
            "Premium monthly",
            "month",
            {"USD": "9.99", "EUR": "8.99", "INR": "799"},
        ),
        ("premium-yearly", "Premium yearly", "year", {"USD": "99", "EUR": "89", "INR": "7999"}),
    ]:
        plan, _ = Plan.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "interval": interval,
                "unlimited_ai": True,
                "fair_use_monthly_credits": Decimal("2000"),
                "sort_order": 1,
            },
        )
        for currency, amount in prices.items():
            PlanPrice.objects.get_or_create(
                plan=plan, currency=currency, defaults={"amount": amount}
            )
    for slug, name, credits, prices in PACKAGES:
        package, _ = CreditPackage.objects.get_or_create(
            slug=slug, defaults={"name": name, "credits": Decimal(credits)}
        )
        for currency, amount in prices.items():
            CreditPackagePrice.objects.get_or_create(
                package=package, currency=currency, defaults={"amount": amount}
            )
    for feature, label, unit, credits in FEATURES:
        FeaturePrice.objects.get_or_create(
            feature=feature,
            defaults={"label": label, "unit": unit, "credits_per_unit": Decimal(credits)},
        )
    FeaturePrice.objects.filter(feature__in=RETIRED_FEATURES).exclude(
        feature__in=UsageCharge.objects.values("feature")
    ).delete()
    return f"pricing: 3 plans, {len(PACKAGES)} credit packages, {len(FEATURES)} AI credit prices"


def fund_demo_student() -> str:
    student = get_user_model().objects.filter(email="student@toto.localhost").first()
    if student is None:
        return "demo student missing: no welcome credits"
    grant_credits(
        student, Decimal("50"), idempotency_key="demo:welcome:student", memo="Welcome credits"
    )
    return "student@toto.localhost holds 50 welcome credits"


DEMO_STEPS: list[Callable[[], str]] = [ensure_pricing, fund_demo_student]
