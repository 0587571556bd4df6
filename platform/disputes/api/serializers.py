from rest_framework import serializers

from ..models import Dispute, Evidence, RefundReason, RefundRequest


class EvidenceSerializer(serializers.ModelSerializer):
    has_file = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "text", "has_file", "mine", "created_at"]

    def get_has_file(self, evidence: Evidence) -> bool:
        return bool(evidence.file)

    def get_mine(self, evidence: Evidence) -> bool:
        request = self.context.get("request")
        return bool(request and evidence.author_id == request.user.pk)


class RefundRequestSerializer(serializers.ModelSerializer):
    payment_description = serializers.CharField(source="payment.description", read_only=True)
    currency = serializers.CharField(source="payment.currency", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = RefundRequest
        fields = [
            "id",
            "payment",
            "payment_description",
            "currency",
            "reason",
            "details",
            "status",
            "automatic",
            "amount_approved",
            "decision_note",
            "decided_at",
            "created_at",
            "evidence",
        ]
        read_only_fields = fields


class RefundRequestCreateSerializer(serializers.Serializer):
    payment = serializers.UUIDField()
    reason = serializers.ChoiceField(choices=RefundReason.choices)
    details = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=5
    )


class DisputeSerializer(serializers.ModelSerializer):
    payment_description = serializers.CharField(source="payment.description", read_only=True)
    currency = serializers.CharField(source="payment.currency", read_only=True)
    role = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "payment",
            "payment_description",
            "currency",
            "role",
            "source",
            "status",
            "reason",
            "amount",
            "provider_status",
            "outcome",
            "amount_refunded",
            "decision_reason",
            "decided_at",
            "created_at",
            "evidence",
        ]
        read_only_fields = fields

    def get_role(self, dispute: Dispute) -> str:
        request = self.context.get("request")
        if request and dispute.learner_id == request.user.pk:
            return "learner"
        return "counterparty"


class EvidenceCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=5
    )


class ReportProblemSerializer(serializers.Serializer):
    payment = serializers.UUIDField()
    reason = serializers.CharField(max_length=4000)
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=5
    )
