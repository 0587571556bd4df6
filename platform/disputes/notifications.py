"""The notification types refund requests and disputes send (registered on import)."""

from notifications.types import EMAIL, IN_APP, NotificationType, register

REFUND_REQUEST_DECIDED = register(
    NotificationType(
        "disputes.refund_request_decided",
        "A refund request was decided",
        frozenset({IN_APP, EMAIL}),
    )
).key
REFUND_REQUEST_FILED = register(
    NotificationType(
        "disputes.refund_request_filed",
        "A refund request about your lesson or stay",
        frozenset({IN_APP, EMAIL}),
    )
).key
DISPUTE_UPDATED = register(
    NotificationType(
        "disputes.dispute_updated", "A dispute was opened or decided", frozenset({IN_APP, EMAIL})
    )
).key
