from decimal import Decimal

from rest_framework import serializers

from credits.models import MONEY_CURRENCIES

from ..models import PayoutMethod, PayoutRequest


class PayoutRequestSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=MONEY_CURRENCIES)
    method = serializers.ChoiceField(choices=PayoutMethod.choices)

    class Meta:
        model = PayoutRequest
        fields = [
            "id",
            "amount",
            "currency",
            "method",
            "status",
            "scheduled",
            "reference",
            "requested_at",
            "decided_at",
        ]
        read_only_fields = ["id", "status", "scheduled", "reference", "requested_at", "decided_at"]
