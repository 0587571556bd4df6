"""``{% demo_card_form client amount currency next %}``: the demo provider's card form on any
page that pays one checkout (wallet checkout, lesson and seat, material pack)."""

from decimal import Decimal
from typing import Any

from django import template

from payments.demo_cards import TEST_CARDS

register = template.Library()


@register.inclusion_tag("payments/_demo_card_form.html", takes_context=True)
def demo_card_form(
    context: template.Context,
    client: dict[str, Any],
    amount: Decimal,
    currency: str,
    done_next: str = "",
) -> dict[str, Any]:
    return {
        "csrf_token": context.get("csrf_token"),
        "client": client,
        "amount": amount,
        "currency": currency,
        "done_next": done_next,
        "test_cards": TEST_CARDS,
    }
