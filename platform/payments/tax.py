"""Tax at checkout, frozen on the payment, and its lines on invoices and credit notes.

The rate is the ``TaxRate`` for the buyer's country (their billing details', else their
profile's, else ``TAX_DEFAULT_COUNTRY``) and the product type of what is bought. Operators
choose whether catalogue prices include tax (``TAX_PRICES_INCLUDE_TAX``): included, the
charged amount is the price and the tax is taken out of it; excluded, the tax is added on top.
Stripe Billing plans are charged at Stripe's price, so their tax is always computed as
included. A credit note carries the refunded share of the payment's tax; the credit notes of
a fully refunded payment add up to its invoice exactly (the last one takes the remainder).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from accounts.models import User

from .conf import setting
from .models import BillingDetails, Invoice, InvoiceKind, Payment, TaxProduct, TaxRate

CENT = Decimal("0.01")
HUNDRED = Decimal("100")

# What each checkout purpose sells, for its tax rate (names, so payments imports no app).
PRODUCT_OF_PURPOSE: dict[str, str] = {
    "credits": TaxProduct.CREDITS,
    "gift": TaxProduct.CREDITS,
    "subscription": TaxProduct.SUBSCRIPTION,
    "tutoring_booking": TaxProduct.LESSON,
    "tutoring_package": TaxProduct.LESSON,
    "session_gift": TaxProduct.LESSON,
    "material_pack": TaxProduct.PACK,
    "abroad_booking": TaxProduct.ABROAD,
}


@dataclass(frozen=True)
class TaxQuote:
    amount: Decimal  # what is charged, tax included
    tax: Decimal
    rate: Decimal
    name: str
    country: str
    inclusive: bool


def buyer_billing(user: User) -> tuple[str, str]:
    """The billing country and tax id the buyer gave (``("", "")`` when none), one query."""
    row = BillingDetails.objects.filter(user=user).values_list("country", "tax_id").first()
    return (str(row[0]), str(row[1])) if row else ("", "")


def buyer_country(user: User) -> str:
    country = buyer_billing(user)[0]
    if country:
        return country
    profile = getattr(user, "profile", None)
    return (getattr(profile, "country", "") or setting("TAX_DEFAULT_COUNTRY") or "").upper()


def buyer_tax_id(user: User) -> str:
    return buyer_billing(user)[1]


def quote_tax(
    user: User, purpose: str, price: Decimal, *, force_inclusive: bool = False
) -> TaxQuote:
    country = buyer_country(user)
    inclusive = force_inclusive or bool(setting("TAX_PRICES_INCLUDE_TAX"))
    product = PRODUCT_OF_PURPOSE.get(purpose, "")
    rate = TaxRate.objects.filter(country=country, product=product).first() if country else None
    if rate is None or rate.rate == 0:
        return TaxQuote(price, Decimal("0"), Decimal("0"), "", country, inclusive)
    if inclusive:
        net = (price * HUNDRED / (HUNDRED + rate.rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        return TaxQuote(price, price - net, rate.rate, rate.name, country, True)
    tax = (price * rate.rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return TaxQuote(price + tax, tax, rate.rate, rate.name, country, False)


def invoice_tax_fields(payment: Payment, *, tax_id: str | None = None) -> dict[str, object]:
    return {
        "net_amount": payment.amount - payment.tax_amount,
        "tax_amount": payment.tax_amount,
        "tax_rate": payment.tax_rate,
        "tax_name": payment.tax_name,
        "seller_tax_id": setting("INVOICE_SELLER_TAX_ID"),
        "buyer_tax_id": buyer_tax_id(payment.user) if tax_id is None else tax_id,
    }


def credit_note_tax_fields(payment: Payment, amount: Decimal) -> dict[str, object]:
    """The refunded share of the payment's tax. The credit note that completes the refund
    of the whole payment takes what the earlier ones left, so they sum to the invoice."""
    earlier = Invoice.objects.filter(payment=payment, kind=InvoiceKind.CREDIT_NOTE).aggregate(
        amount=Sum("amount"), tax=Sum("tax_amount")
    )
    refunded_before = earlier["amount"] or Decimal("0")
    tax_before = earlier["tax"] or Decimal("0")
    if refunded_before + amount >= payment.amount:
        tax = payment.tax_amount - tax_before
    else:
        tax = (payment.tax_amount * amount / payment.amount).quantize(CENT, rounding=ROUND_HALF_UP)
    invoice = Invoice.objects.filter(payment=payment, kind=InvoiceKind.INVOICE).first()
    return {
        "net_amount": amount - tax,
        "tax_amount": tax,
        "tax_rate": payment.tax_rate,
        "tax_name": payment.tax_name,
        "seller_tax_id": invoice.seller_tax_id if invoice else setting("INVOICE_SELLER_TAX_ID"),
        "buyer_tax_id": invoice.buyer_tax_id if invoice else buyer_tax_id(payment.user),
    }
