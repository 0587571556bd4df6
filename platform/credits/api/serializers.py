from typing import TypedDict

from rest_framework import serializers

from ..models import CreditPackage, Entry, Plan, Subscription


class MoneyOptions(TypedDict):
    max_digits: int
    decimal_places: int
    coerce_to_string: bool


MONEY: MoneyOptions = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}


class PriceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)


class CreditPackageSerializer(serializers.ModelSerializer):
    prices = PriceSerializer(many=True, read_only=True)

    class Meta:
        model = CreditPackage
        fields = ["id", "slug", "name", "credits", "prices"]


class PlanSerializer(serializers.ModelSerializer):
    prices = PriceSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "interval",
            "monthly_free_credits",
            "unlimited_ai",
            "fair_use_monthly_credits",
            "is_default",
            "prices",
        ]


class SubscriptionSerializer(serializers.ModelSerializer):
    plan: "serializers.SlugRelatedField[Plan]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Subscription
        fields = ["id", "plan", "status", "provider", "current_period_end", "cancel_at_period_end"]


class EarningsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    balance = serializers.DecimalField(**MONEY, help_text="What the earnings account holds.")
    outstanding_debt = serializers.DecimalField(
        **MONEY,
        help_text="What is owed to the platform in this currency (e.g. a sale refunded after "
        "a payout); repaid first from the next earnings or payout request.",
    )
    payable = serializers.DecimalField(
        **MONEY, help_text="The most a payout request may ask for: balance less the debt."
    )


class WalletSerializer(serializers.Serializer):
    credits = serializers.DecimalField(**MONEY, help_text="Credits bought or earned.")
    allowance = serializers.DecimalField(**MONEY, help_text="This month's free allowance left.")
    available = serializers.DecimalField(**MONEY)
    plan = PlanSerializer(allow_null=True)
    subscription = SubscriptionSerializer(allow_null=True)
    earnings = EarningsSerializer(many=True)


class TransactionSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.kind")
    kind = serializers.CharField(source="transfer.kind")
    memo = serializers.CharField(source="transfer.memo")
    transfer = serializers.UUIDField(source="transfer_id")
    currency = serializers.CharField(help_text="INR, USD, EUR, or CRD for credits.")

    class Meta:
        model = Entry
        fields = [
            "id",
            "transfer",
            "kind",
            "memo",
            "account",
            "currency",
            "amount",
            "balance_after",
            "created_at",
        ]
