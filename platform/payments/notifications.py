"""The notification types payments sends (registered on import, from the app's ready())."""

from notifications.types import EMAIL, IN_APP, NotificationType, register

REFUND_ATTENTION = register(
    NotificationType(
        "payments.refund_attention", "A refund needs a finance admin", frozenset({IN_APP, EMAIL})
    )
).key
