from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsEmailVerified
from accounts.requests import user_of
from core.api.parsers import JSONParser

from .. import payments, selectors, services
from ..downloads import serve_material
from ..errors import NotATeacher
from ..models import EarningsDebt, Material, MaterialPack
from . import serializers
from .filters import MaterialFilter, PackFilter


class MaterialViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in teacher's library. Uploads are checked by content (PDF, audio, video)."""

    serializer_class = serializers.MaterialSerializer
    filterset_class = MaterialFilter
    ordering_fields = ["created_at", "title", "size"]
    ordering = ["-created_at"]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, JSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Material]:
        if getattr(self, "swagger_fake_view", False):
            return Material.objects.none()
        return selectors.library_of(user_of(self.request))

    @extend_schema(
        request={"multipart/form-data": serializers.MaterialUploadSerializer},
        responses={201: serializers.MaterialSerializer},
    )
    def create(self, request: Request) -> Response:
        data = serializers.MaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        material = services.upload_material(
            user_of(request),
            upload=data.validated_data["file"],
            title=data.validated_data["title"],
            description=data.validated_data["description"],
            tags=data.validated_data.get("tags", []),
        )
        material.share_count = 0  # type: ignore[attr-defined]
        return Response(
            serializers.MaterialSerializer(material).data, status=status.HTTP_201_CREATED
        )

    def perform_update(self, serializer: Any) -> None:
        data = serializer.validated_data
        services.update_material(
            serializer.instance,
            title=data.get("title"),
            description=data.get("description"),
            tags=data.get("tags"),
        )

    def perform_destroy(self, instance: Material) -> None:
        services.delete_material(instance)

    @extend_schema(request=None, responses=serializers.LearnerSerializer(many=True))
    @action(detail=False, methods=["get"])
    def learners(self, request: Request) -> Response:
        """The teacher's learners: who materials can be shared with."""
        if not selectors.is_teacher(request.user):
            raise NotATeacher()
        page = self.paginate_queryset(selectors.learners_of(user_of(request)))
        return self.get_paginated_response(serializers.LearnerSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=serializers.ShareSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=serializers.ShareSerializer,
        responses={201: serializers.ShareSerializer},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, ordering_fields=[])
    def shares(self, request: Request, pk: str | None = None) -> Response:
        material = get_object_or_404(selectors.own_materials(user_of(request)), pk=pk)
        if request.method == "POST":
            data = serializers.ShareSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            share = services.share_material(material, learner_id=data.validated_data["learner_id"])
            share = selectors.shares_of(material).get(pk=share.pk)
            return Response(serializers.ShareSerializer(share).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.shares_of(material))
        return self.get_paginated_response(serializers.ShareSerializer(page, many=True).data)


class MaterialUnshareView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: Any, learner_id: Any) -> Response:
        material = get_object_or_404(selectors.own_materials(user_of(request)), pk=pk)
        if not services.unshare_material(material, learner_id=learner_id):
            return Response(status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MaterialDownloadView(APIView):
    """The file, for those who may have it (its teacher, learners it is shared with, buyers
    of a pack holding it, anyone for a listed pack's free sample); 404 for everyone else."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            (206, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The byte range asked for (Range header)"
            ),
            416: OpenApiResponse(description="The range starts past the end of the file"),
            302: OpenApiResponse(description="A short-lived signed URL (remote storage)"),
        }
    )
    def get(self, request: Request, pk: Any) -> HttpResponseBase:
        material = get_object_or_404(selectors.downloadable(request.user), pk=pk)
        return serve_material(request, material)


class SharedMaterialListView(generics.ListAPIView):
    """What the signed-in learner's teachers shared with them."""

    serializer_class = serializers.SharedMaterialSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Material]:
        return selectors.shared_with(user_of(self.request))


class EarningsDebtListView(generics.ListAPIView):
    """The signed-in teacher's debts from pack refunds made after their earnings were paid
    out: the platform fronted the amount, and the next pack sales in the currency repay it."""

    serializer_class = serializers.EarningsDebtSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[EarningsDebt]:
        if getattr(self, "swagger_fake_view", False):
            return EarningsDebt.objects.none()
        return selectors.debts_of(user_of(self.request))


class PackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The pack marketplace: anyone may browse; teachers sell; learners buy and rate."""

    filterset_class = PackFilter
    ordering_fields = ["price", "rating_average", "rating_count", "published_at", "title"]
    ordering = ["-published_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve", "ratings") and self.request.method == "GET":
            return [permissions.AllowAny()]
        if self.action in ("buy", "get_free"):
            return [permissions.IsAuthenticated(), IsEmailVerified()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self) -> QuerySet[MaterialPack]:
        if getattr(self, "swagger_fake_view", False):
            return MaterialPack.objects.none()
        if self.action == "list":
            return selectors.listed_packs()
        if self.action == "mine":
            return selectors.packs_of(user_of(self.request))
        if self.action in ("partial_update", "update", "publish", "unpublish"):
            return selectors.packs_of(user_of(self.request))
        return selectors.visible_packs(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action in ("create", "partial_update", "update"):
            return serializers.PackWriteSerializer
        if self.action == "retrieve":
            return serializers.PackDetailSerializer
        return serializers.PackCardSerializer

    def _detail(self, pack: MaterialPack, code: int = status.HTTP_200_OK) -> Response:
        pack = selectors.visible_packs(self.request.user).get(pk=pack.pk)
        context = {
            **self.get_serializer_context(),
            "can_download": selectors.can_download_pack(self.request.user, pack),
        }
        return Response(serializers.PackDetailSerializer(pack, context=context).data, status=code)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(self.get_object())

    @extend_schema(responses={201: serializers.PackDetailSerializer})
    def create(self, request: Request) -> Response:
        data = serializers.PackWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        pack = services.create_pack(
            user_of(request),
            material_ids=values.pop("materials"),
            preview_id=values.pop("preview", None),
            **values,
        )
        return self._detail(pack, status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.PackDetailSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        pack = self.get_object()
        data = serializers.PackWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        extra: dict[str, Any] = {}
        if "materials" in values:
            extra["material_ids"] = values.pop("materials")
        if "preview" in values:
            extra["preview_id"] = values.pop("preview")
        pack = services.update_pack(pack, **values, **extra)
        return self._detail(pack)

    @extend_schema(request=None, responses=serializers.PackDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(services.publish_pack(self.get_object()))

    @extend_schema(request=None, responses=serializers.PackDetailSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(services.unpublish_pack(self.get_object()))

    @extend_schema(responses=serializers.PackCardSerializer(many=True))
    @action(detail=False, methods=["get"])
    def mine(self, request: Request) -> Response:
        """The signed-in teacher's packs, drafts included."""
        return self.list(request)

    @extend_schema(request=None, responses=serializers.PurchaseSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=None, ordering_fields=[])
    def purchased(self, request: Request) -> Response:
        """The packs the signed-in learner bought."""
        page = self.paginate_queryset(selectors.purchases_of(user_of(request)))
        return self.get_paginated_response(serializers.PurchaseSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.CheckoutSerializer,
        responses={200: OpenApiResponse(description="What the provider's client needs")},
    )
    @action(detail=True, methods=["post"])
    def buy(self, request: Request, pk: str | None = None) -> Response:
        """Starts the checkout (the payments app); the pack is the learner's when
        the provider confirms the payment. A free pack answers 409 ``pack_is_free`` (use
        ``get``)."""
        pack = self.get_object()
        data = serializers.CheckoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = payments.start_pack_checkout(
            pack, user=user_of(request), provider=data.validated_data["provider"]
        )
        return Response(client)

    @extend_schema(request=None, responses={201: serializers.PurchaseSerializer})
    @action(detail=True, methods=["post"], url_path="get", url_name="get")
    def get_free(self, request: Request, pk: str | None = None) -> Response:
        """Gets a free pack (price 0): it becomes the learner's at once, with no payment.
        Once per learner (409 ``already_purchased``); a paid pack answers 409
        ``pack_not_free`` (use ``buy``). Needs a verified email address, as buying does."""
        purchase = services.get_free_pack(self.get_object(), learner=user_of(request))
        purchase = selectors.purchases_of(user_of(request)).get(pk=purchase.pk)
        return Response(
            serializers.PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], request=None, responses=serializers.RatingSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=serializers.RatingSerializer,
        responses={201: serializers.RatingSerializer},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, ordering_fields=[])
    def ratings(self, request: Request, pk: str | None = None) -> Response:
        pack = self.get_object()
        if request.method == "POST":
            data = serializers.RatingSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            rating = services.rate_pack(
                pack,
                by=user_of(request),
                rating=data.validated_data["rating"],
                text=data.validated_data.get("text", ""),
            )
            return Response(
                serializers.RatingSerializer(rating).data, status=status.HTTP_201_CREATED
            )
        page = self.paginate_queryset(selectors.ratings_of(pack))
        return self.get_paginated_response(serializers.RatingSerializer(page, many=True).data)
