from rest_framework import serializers

from credits.models import MONEY_CURRENCIES

from .. import purposes
from ..models import Invoice, Payment, Provider


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
        fields = ["number", "kind", "amount", "currency", "issued_at"]


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
