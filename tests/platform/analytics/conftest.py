from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from cms.learning.testing import learning_tree, make_lesson  # noqa: F401
from core import activity
from credits.testing import package  # noqa: F401
from tutoring.testing import make_gig, make_listing, paid_booking  # noqa: F401


@pytest.fixture
def act(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """``act(user, "2026-03-02", kind="learning.exercise_attempted", **data)``: one
    announced activity at noon UTC that day, delivered as after a commit."""

    defaults: dict[str, dict[str, Any]] = {
        "learning.exercise_attempted": {
            "lesson_id": 1,
            "block_id": "b1",
            "exercise_type": "multiple_choice",
            "score": 1,
        },
        "accounts.signed_in": {},
        "accounts.signed_up": {"role": "student"},
        "ai.feature_used": {"feature": "grammar_check"},
        "tutoring.review_left": {"booking_id": "x", "rating": 5},
    }

    def record(
        user: Any,
        day: str,
        kind: str = "learning.exercise_attempted",
        platform: str = "web",
        **data: Any,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            activity.record(
                user,
                kind,
                occurred_at=datetime.combine(date.fromisoformat(day), time(12), tzinfo=UTC),
                platform=platform,
                data={**defaults.get(kind, {}), **data},
            )

    return record


@pytest.fixture
def pay_for_credits(client: Any, providers: Any) -> Callable[..., Any]:
    """Buys the "starter" credit package through Stripe's checkout and its signed webhook
    (as tests/platform/payments do), so that the ledger holds a real sale."""
    from payments.models import PaymentStatus
    from payments.services import start_checkout
    from payments.testing import stripe_event

    def pay(user: Any, currency: str = "USD") -> Any:
        checkout = start_checkout(
            user,
            purpose="credits",
            item={"package": "starter"},
            provider="stripe",
            currency=currency,
        )
        intent = providers.pay_intent(checkout.payment.provider_order_id)
        payload, headers = stripe_event("payment_intent.succeeded", intent)
        client.post(
            "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
        )
        checkout.payment.refresh_from_db()
        assert checkout.payment.status == PaymentStatus.SUCCEEDED
        return checkout.payment

    return pay
