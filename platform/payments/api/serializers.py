import re

from django.utils import timezone
from rest_framework import serializers

from credits.models import MONEY_CURRENCIES

from .. import purposes
from ..demo_cards import TEST_CARDS, card_for
from ..models import BillingDetails, Invoice, Payment, Provider


class CheckoutRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(
        help_text="credits, subscription, gift, or one another app registered."
    )
    item = serializers.DictField(
        help_text='What to buy, e.g. {"package": "starter"} or {"plan": "premium-monthly"}.'
    )
    provider = serializers.ChoiceField(choices=Provider.choices)
    currency = serializers.ChoiceField(choices=MONEY_CURRENCIES)

    def validate_purpose(self, value: str) -> str:
        if value not in purposes.names():
            raise serializers.ValidationError(f"Choose one of: {', '.join(purposes.names())}.")
        return value

    def validate(self, attrs: dict) -> dict:
        # The amount is always the server's: a client that sends one is told so.
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {
                    name: ["Not accepted: the server computes every amount."]
                    for name in sorted(unknown)
                }
            )
        return attrs


class InvoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invoice
        fields = [
            "number",
            "kind",
            "net_amount",
            "tax_name",
            "tax_rate",
            "tax_amount",
            "amount",
            "currency",
            "seller_tax_id",
            "buyer_tax_id",
            "issued_at",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    invoices = InvoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "purpose",
            "item",
            "description",
            "amount",
            "currency",
            "provider",
            "status",
            "amount_refunded",
            "tax_amount",
            "tax_rate",
            "tax_name",
            "tax_inclusive",
            "created_at",
            "succeeded_at",
            "invoices",
        ]


class CheckoutResponseSerializer(serializers.Serializer):
    payment = PaymentSerializer()
    client = serializers.DictField(
        help_text="What the provider's client needs: Stripe client_secret and publishable_key, "
        "Razorpay key_id and order_id, or bank transfer reference and details."
    )


class RazorpayConfirmSerializer(serializers.Serializer):
    razorpay_order_id = serializers.CharField()
    razorpay_payment_id = serializers.CharField()
    razorpay_signature = serializers.CharField()


_TEST_CARD_LIST = ", ".join(f"{card.spaced} ({card.label})" for card in TEST_CARDS)


class DemoConfirmSerializer(serializers.Serializer):
    """A demo card (first call) or the answer to the confirmation step (second call)."""

    card = serializers.CharField(
        required=False, max_length=40, help_text=f"A demo test card: {_TEST_CARD_LIST}."
    )
    expiry = serializers.CharField(
        required=False, max_length=7, help_text="MM/YY, this month or later."
    )
    cvc = serializers.CharField(required=False, max_length=4, help_text="Any 3 or 4 digits.")
    action = serializers.ChoiceField(
        choices=["approve", "cancel"],
        required=False,
        help_text="Only after an answer of requires_action: approve or cancel the payment.",
    )

    def validate_card(self, value: str) -> str:
        card = card_for(value)
        if card is None:
            raise serializers.ValidationError(
                f"Not a demo test card. Use one of: {_TEST_CARD_LIST}."
            )
        return card.number

    def validate_expiry(self, value: str) -> str:
        found = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", value)
        if found is None or not 1 <= int(found[1]) <= 12:
            raise serializers.ValidationError("Write the expiry date as MM/YY.")
        month, year = int(found[1]), int(found[2]) % 100 + 2000
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise serializers.ValidationError("This card has expired.")
        return f"{month:02d}/{year % 100:02d}"

    def validate_cvc(self, value: str) -> str:
        if not re.fullmatch(r"\d{3,4}", value.strip()):
            raise serializers.ValidationError("The CVC is 3 or 4 digits.")
        return value.strip()

    def validate(self, attrs: dict) -> dict:
        if attrs.get("action"):
            return attrs
        missing = {
            name: ["This field is required."]
            for name in ("card", "expiry", "cvc")
            if not attrs.get(name)
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class DemoConfirmResponseSerializer(serializers.Serializer):
    status = serializers.CharField(
        help_text="succeeded, failed (see failure_reason), requires_action (answer with "
        "action approve or cancel), or the status of a payment settled before (mismatch)."
    )
    message = serializers.CharField()
    failure_reason = serializers.CharField()
    payment = PaymentSerializer()


class BillingDetailsSerializer(serializers.ModelSerializer):
    """The buyer's billing country (ISO 3166-1 alpha-2, which tax rate applies) and VAT or
    GST number, printed on the invoices issued after they are saved. Empty strings clear."""

    # Null until the buyer first saves their details.
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = BillingDetails
        fields = ["country", "tax_id", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"country": {"required": True}, "tax_id": {"required": True}}
