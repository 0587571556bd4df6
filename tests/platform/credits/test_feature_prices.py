"""Every AI feature is priced from the start, and admins edit prices in the Wagtail admin."""

from decimal import Decimal

import pytest

from ai.features import CHARGED_FEATURES, Feature
from credits.models import FeaturePrice, UsageCharge

pytestmark = pytest.mark.django_db


def test_every_charged_ai_feature_has_a_price_after_migrations():
    priced = set(FeaturePrice.objects.filter(active=True).values_list("feature", flat=True))
    assert set(CHARGED_FEATURES) <= priced
    assert Feature.CONTENT_TRANSLATION not in priced  # editors' machine translation is free


def test_demo_prices_every_ai_feature_and_retires_the_old_translation_code():
    from ai.demo import ensure_feature_prices
    from credits.demo import ensure_pricing

    FeaturePrice.objects.all().delete()  # a flushed database, as the browser tests have
    FeaturePrice.objects.create(
        feature="translation", label="Translation", credits_per_unit=Decimal("0.5")
    )
    ensure_pricing()
    ensure_feature_prices()
    ensure_pricing()  # idempotent
    features = set(FeaturePrice.objects.values_list("feature", flat=True))
    assert set(CHARGED_FEATURES) <= features
    assert "translation" not in features


def test_admin_edits_a_price_and_charge_uses_it(client, admin, student, give_credits):
    from credits.services import charge

    price = FeaturePrice.objects.get(feature=Feature.WRITING_FEEDBACK)
    client.force_login(admin)
    listing = client.get("/admin/snippets/credits/featureprice/")
    assert listing.status_code == 200 and b"writing_feedback" in listing.content
    url = f"/admin/snippets/credits/featureprice/edit/{price.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "feature": price.feature,
            "label": price.label,
            "unit": price.unit,
            "credits_per_unit": "2.50",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    give_credits(student, 10)
    usage = charge(student, Feature.WRITING_FEEDBACK, 2, "essay-1")
    assert usage.credits == Decimal("5.00")
    assert UsageCharge.objects.get().credits == Decimal("5.00")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/credits/plan/",
        "/admin/snippets/credits/plan/add/",
        "/admin/snippets/credits/creditpackage/",
        "/admin/snippets/credits/creditpackage/add/",
        "/admin/snippets/credits/featureprice/add/",
        "/admin/snippets/payouts/commissionrule/",
        "/admin/snippets/payouts/commissionrule/add/",
    ],
)
def test_pricing_snippets_open_for_admins_only(client, admin, student, url):
    client.force_login(admin)
    assert client.get(url).status_code == 200
    client.force_login(student)
    assert client.get(url).status_code in (302, 403)
