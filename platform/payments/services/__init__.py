"""Writes on payments, one module per concern: checkout, confirmation (what providers
report), refunds, subscriptions, reconciliation, the buyer's billing details.

Provider HTTP calls are made outside database transactions (a slow provider must not hold
row locks); every state change happens under a lock on the payment row.
"""

from .billing import save_billing_details  # noqa: F401
from .checkout import (  # noqa: F401
    Checkout,
    start_checkout,
)
from .confirmation import (  # noqa: F401
    FINAL_STATUSES,
    DemoOutcome,
    confirm_bank_transfer,
    confirm_demo_payment,
    confirm_razorpay_payment,
    mark_failed,
    mark_succeeded,
)
from .reconciliation import (  # noqa: F401
    epoch,
    reconcile_pending,
)
from .refunds import (  # noqa: F401
    complete_refund,
    is_retryable,
    record_provider_refund,
    record_refund_failure,
    refund_payment,
    resolve_refund,
    retry_due_refunds,
    retry_refund,
)
from .subscriptions import (  # noqa: F401
    cancel_stripe_subscription,
    cancel_subscription,
)
