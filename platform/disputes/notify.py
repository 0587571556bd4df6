"""What refund requests and disputes tell people: their notification kinds and every
message's words, in one table.

Titles and bodies are gettext message ids with ``%(field)s`` placeholders, translated when
sent (in the language of the request or task that sends them) and filled from the named
fields; a wording without a body sends the text it is given (the request's reason, the
decision note). ``url`` names the page the notification opens (reversed with ``url_args``);
"" opens none."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from notifications.services import notify
from notifications.types import EMAIL, IN_APP, NotificationType, register

REFUND_REQUEST_DECIDED = "disputes.refund_request_decided"
REFUND_REQUEST_FILED = "disputes.refund_request_filed"
DISPUTE_UPDATED = "disputes.dispute_updated"

TYPES = [
    NotificationType(
        REFUND_REQUEST_DECIDED, "A refund request was decided", frozenset({IN_APP, EMAIL})
    ),
    NotificationType(
        REFUND_REQUEST_FILED,
        "A refund request about your lesson or stay",
        frozenset({IN_APP, EMAIL}),
    ),
    NotificationType(
        DISPUTE_UPDATED, "A dispute was opened or decided", frozenset({IN_APP, EMAIL})
    ),
]


def register_types() -> None:
    for notification_type in TYPES:
        register(notification_type)


@dataclass(frozen=True)
class Wording:
    kind: str
    title: str  # a message id
    body: str = ""  # a message id; "" sends the text given to ``tell``
    url: str = ""  # a URL name


# Refund requests. Fields: what (the payment's description), amount, currency.
REQUEST_FILED_FOR_FINANCE = Wording(
    REFUND_REQUEST_FILED,
    gettext_noop("Refund request: %(what)s"),
    url="disputes_refund_requests:edit",
)
REQUEST_FILED_FOR_COUNTERPARTY = Wording(
    REFUND_REQUEST_FILED, gettext_noop("A refund was requested for %(what)s")
)
REQUEST_APPROVED = Wording(
    REFUND_REQUEST_DECIDED,
    gettext_noop("Refund approved: %(amount)s %(currency)s"),
    url="website-refund-requests",
)
REQUEST_DECLINED = Wording(
    REFUND_REQUEST_DECIDED,
    gettext_noop("Refund request declined"),
    url="website-refund-requests",
)

# Disputes, told to both sides on the dispute's page. Fields: what, reason, outcome, id.
DISPUTE_PAGE = "website-dispute"
DISPUTE_OPENED = Wording(
    DISPUTE_UPDATED,
    gettext_noop("Dispute opened: %(what)s"),
    gettext_noop("Both sides can add their account and files before our team decides."),
    DISPUTE_PAGE,
)
CHARGEBACK_OPENED = Wording(
    DISPUTE_UPDATED,
    gettext_noop("Chargeback opened: %(what)s"),
    gettext_noop("The card holder disputed this payment with their bank (%(reason)s)."),
    DISPUTE_PAGE,
)
# Finance's own reference, not translated.
CHARGEBACK_FOR_FINANCE = Wording(
    DISPUTE_UPDATED, "Chargeback %(id)s: %(what)s", url="disputes_disputes:edit"
)
NEW_EVIDENCE = Wording(
    DISPUTE_UPDATED,
    gettext_noop("New evidence in the dispute about %(what)s"),
    gettext_noop("The other side added their account. You can answer on the dispute's page."),
    DISPUTE_PAGE,
)
DISPUTE_DECIDED = Wording(
    DISPUTE_UPDATED, gettext_noop("Dispute decided: %(outcome)s"), url=DISPUTE_PAGE
)


def tell(
    user: Any,
    wording: Wording,
    *,
    text: str = "",
    data: dict[str, Any] | None = None,
    url_args: Sequence[Any] = (),
    link: bool = True,
    **fields: Any,
) -> None:
    """Sends ``wording`` to ``user``: its title and body translated and filled from
    ``fields``, its body ``text`` when it has none; ``link=False`` leaves out its page (the
    other side of a refund request cannot open the learner's list)."""
    title = gettext(wording.title) % fields
    body = gettext(wording.body) % fields if wording.body else text
    url = reverse(wording.url, args=list(url_args)) if wording.url and link else ""
    notify(user, wording.kind, title, body, data or {}, url=url)
