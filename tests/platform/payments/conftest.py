from collections.abc import Iterator

import pytest

from credits.testing import (  # noqa: F401
    feature_price,
    free_plan,
    give_credits,
    package,
    premium_plan,
)
from payments.testing import (
    RAZORPAY_KEY_SECRET,
    RAZORPAY_WEBHOOK_SECRET,
    STRIPE_WEBHOOK_SECRET,
    FakeProviders,
)


@pytest.fixture
def providers(settings) -> Iterator[FakeProviders]:
    fake = FakeProviders()
    settings.STRIPE_SECRET_KEY = "sk_test_toto"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_toto"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.RAZORPAY_KEY_ID = "rzp_test_toto"
    settings.RAZORPAY_KEY_SECRET = RAZORPAY_KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = RAZORPAY_WEBHOOK_SECRET
    settings.RAZORPAY_API_BASE = fake.url
    yield fake
    fake.close()
