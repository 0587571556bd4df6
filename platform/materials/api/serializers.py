from decimal import Decimal
from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import fields as core_fields
from payments.models import Provider
from tutoring.models.gigs import CURRENCIES
from tutoring.models.teachers import CefrLevel

from ..forms import free_or_paid_error
from ..models import (
    EarningsDebt,
    Material,
    MaterialPack,
    MaterialShare,
    PackItem,
    PackPurchase,
    PackRating,
)
from ..services import MAX_TAGS


def download_url(material: Material) -> str:
    return reverse("material-download", args=[material.pk])


class TeacherSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return str(user.get_full_name() or user.get_short_name())


class TagListField(core_fields.TagListField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_TAGS)
        super().__init__(**kwargs)


class MaterialSerializer(serializers.ModelSerializer):
    tags = TagListField()
    download_url = serializers.SerializerMethodField()
    share_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Material
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "content_type",
            "original_name",
            "size",
            "tags",
            "hidden",
            "share_count",
            "download_url",
            "created_at",
        ]
        read_only_fields = ["kind", "content_type", "original_name", "size", "hidden"]

    def get_download_url(self, material: Material) -> str:
        return download_url(material)


class MaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tags = TagListField()


class SharedMaterialSerializer(serializers.ModelSerializer):
    teacher = TeacherSerializer(read_only=True)
    tags = TagListField(read_only=True)
    shared_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "size",
            "tags",
            "teacher",
            "shared_at",
            "download_url",
        ]

    def get_download_url(self, material: Material) -> str:
        return download_url(material)


class ShareSerializer(serializers.ModelSerializer):
    learner = serializers.UUIDField(source="learner_id")
    learner_name = serializers.SerializerMethodField()

    class Meta:
        model = MaterialShare
        fields = ["learner", "learner_name", "shared_at"]
        read_only_fields = ["shared_at"]

    def get_learner_name(self, share: MaterialShare) -> str:
        return str(share.learner.get_full_name() or share.learner.get_short_name())


class LearnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return str(user.get_full_name() or user.get_short_name())


class PackItemSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="material.id")
    title = serializers.CharField(source="material.title")
    kind = serializers.CharField(source="material.kind")
    size = serializers.IntegerField(source="material.size")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = PackItem
        fields = ["id", "title", "kind", "size", "is_preview", "download_url"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, item: PackItem) -> str | None:
        if item.is_preview or self.context.get("can_download"):
            return download_url(item.material)
        return None


class PackCardSerializer(serializers.ModelSerializer):
    teacher = TeacherSerializer(read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    is_free = serializers.BooleanField(read_only=True, help_text="Price 0: got without paying.")

    class Meta:
        model = MaterialPack
        fields = [
            "id",
            "title",
            "language",
            "level",
            "price",
            "currency",
            "is_free",
            "teacher",
            "item_count",
            "rating_average",
            "rating_count",
            "status",
            "published_at",
        ]


class PackDetailSerializer(PackCardSerializer):
    items = serializers.SerializerMethodField()
    owned = serializers.SerializerMethodField()

    class Meta(PackCardSerializer.Meta):
        fields = [*PackCardSerializer.Meta.fields, "description", "hidden", "items", "owned"]

    @extend_schema_field(PackItemSerializer(many=True))
    def get_items(self, pack: MaterialPack) -> list[dict[str, Any]]:
        items = pack.items.select_related("material")
        # many=True: DRF's __new__ makes a ListSerializer, whose data is a list (a ReturnList).
        return cast(
            list[dict[str, Any]], PackItemSerializer(items, many=True, context=self.context).data
        )

    def get_owned(self, pack: MaterialPack) -> bool:
        return bool(self.context.get("can_download"))


class PackWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    language = core_fields.LanguageCodeField()
    level = serializers.ChoiceField(choices=CefrLevel.choices)
    price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text="0 makes the pack free; a paid pack costs at least 0.50.",
    )
    currency = serializers.ChoiceField(choices=CURRENCIES)
    materials = core_fields.BoundedListField(
        child=serializers.UUIDField(), min_length=1, max_length=100
    )
    preview = serializers.UUIDField(required=False, allow_null=True)

    def validate_price(self, price: Decimal) -> Decimal:
        if error := free_or_paid_error(price):
            raise serializers.ValidationError(error)
        return price

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        preview = data.get("preview")
        materials = data.get("materials")
        if preview is not None and materials is not None and preview not in materials:
            raise serializers.ValidationError(
                {"preview": ["The free sample must be one of the pack's materials."]}
            )
        return data


class CheckoutSerializer(serializers.Serializer):
    provider = serializers.ChoiceField(choices=Provider.choices, default=Provider.STRIPE)


class PurchaseSerializer(serializers.ModelSerializer):
    pack = PackCardSerializer(read_only=True)
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PackPurchase
        fields = ["id", "pack", "item_count", "amount", "currency", "status", "purchased_at"]


class RatingSerializer(serializers.ModelSerializer):
    learner_name = serializers.SerializerMethodField()

    class Meta:
        model = PackRating
        fields = ["rating", "text", "learner_name", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"rating": {"min_value": 1, "max_value": 5}}

    def get_learner_name(self, rating: PackRating) -> str:
        return str(rating.learner.get_short_name())


class EarningsDebtSerializer(serializers.ModelSerializer):
    pack = serializers.UUIDField(source="pack_id", read_only=True)
    pack_title = serializers.CharField(source="pack.title", read_only=True)
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = EarningsDebt
        fields = [
            "id",
            "pack",
            "pack_title",
            "amount",
            "recovered",
            "outstanding",
            "currency",
            "created_at",
            "settled_at",
        ]
