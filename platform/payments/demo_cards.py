"""The demo provider's test cards: what each number does, shown on the card form and in the
README. The numbers are Stripe's own test cards, so a developer who later adds Stripe test
keys types the same ones."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CardOutcome(StrEnum):
    SUCCEED = "succeed"
    DECLINE = "decline"
    REQUIRES_ACTION = "requires_action"


@dataclass(frozen=True)
class TestCard:
    number: str
    outcome: CardOutcome
    label: Promise

    @property
    def spaced(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))

    @property
    def last4(self) -> str:
        return self.number[-4:]


TEST_CARDS: tuple[TestCard, ...] = (
    TestCard("4242424242424242", CardOutcome.SUCCEED, _("succeeds")),
    TestCard("4000000000000002", CardOutcome.DECLINE, _("is declined")),
    TestCard(
        "4000000000003220",
        CardOutcome.REQUIRES_ACTION,
        _("asks you to confirm the payment first (like 3-D Secure)"),
    ),
)

DECLINE_REASON = "Your card was declined (demo card ending 0002)."


def card_for(number: str) -> TestCard | None:
    digits = "".join(number.split()).replace("-", "")
    return next((card for card in TEST_CARDS if card.number == digits), None)
