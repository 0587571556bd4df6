from rest_framework import serializers

from ..models import Referral


class ReferralSerializer(serializers.ModelSerializer):
    referred = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = ["id", "referred", "status", "created_at", "rewarded_at"]

    def get_referred(self, referral: Referral) -> str:
        # First name only: a referrer learns that a friend joined, not their account.
        return referral.referred.first_name or "A friend"
