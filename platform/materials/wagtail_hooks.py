"""Moderation of the materials marketplace in the Wagtail admin: packs and library items,
filtered and searchable; a moderator hides a pack (it leaves the marketplace, buyers keep
their downloads) or a material (only its teacher still sees it). Nothing is created or
deleted here: teachers do that through the API and website. Moderators and admins see it
(``materials.change_materialpack`` / ``change_material``, granted by migration 0002)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_queues import ReviewQueueViewSet

from .models import EarningsDebt, Material, MaterialPack


class _ModerationOnly(ReviewQueueViewSet):
    """Teachers make packs and materials; moderators hide them or note why (the generic
    edit form, limited to ``form_fields``)."""

    add_to_admin_menu = False
    inspect_view_enabled = True
    list_per_page = 50

    def get_decision_view(self) -> Any:
        return self.edit_view


class MaterialPackViewSet(_ModerationOnly):
    model = MaterialPack
    icon = "folder-open-inverse"
    menu_label = _("Material packs")
    url_prefix = "materials/packs"
    name = "material_packs"
    list_filter = ["status", "hidden", "language", "level", "currency"]
    search_fields = ["title", "description", "teacher__email"]
    ordering = ["-created_at"]
    form_fields = ["hidden", "moderation_note"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.get_url_name("edit")),
            Column("teacher", label=_("Teacher"), accessor="teacher.email"),
            Column("language", label=_("Language")),
            Column("level", label=_("Level")),
            Column("price", label=_("Price")),
            Column("currency", label=_("Currency")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            BooleanColumn("hidden", label=_("Hidden")),
            Column("rating_average", label=_("Rating")),
            Column("rating_count", label=_("Ratings")),
            DateColumn("published_at", label=_("Published")),
        ]

    def get_queryset(self, request: Any) -> Any:
        return MaterialPack.objects.select_related("teacher")


class MaterialViewSet(_ModerationOnly):
    model = Material
    icon = "doc-full"
    menu_label = _("Library materials")
    url_prefix = "materials/library"
    name = "library_materials"
    list_filter = ["kind", "hidden"]
    search_fields = ["title", "description", "original_name", "teacher__email"]
    ordering = ["-created_at"]
    form_fields = ["hidden"]

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("title", label=_("Title"), url_name=self.get_url_name("edit")),
            Column("teacher", label=_("Teacher"), accessor="teacher.email"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("content_type", label=_("Type")),
            Column("size", label=_("Bytes")),
            BooleanColumn("hidden", label=_("Hidden")),
            DateColumn("created_at", label=_("Uploaded")),
        ]

    def get_queryset(self, request: Any) -> Any:
        return Material.objects.select_related("teacher")


class EarningsDebtViewSet(ModelViewSet):
    """Read-only: teachers' debts from pack refunds made after their earnings were paid
    out (the refund's ledger transfer fronted them from revenue; their next pack sales repay
    them). They change only through the refund and sale paths."""

    model = EarningsDebt
    icon = "warning"
    menu_label = _("Refund debts")
    url_prefix = "materials/debts"
    name = "materials_debts"
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    list_filter = ["currency", "settled_at"]
    search_fields = ["teacher__email", "pack__title"]
    ordering = ["-created_at"]

    @property
    def list_display(self) -> list[Column]:
        return [
            Column("teacher", label=_("Teacher"), accessor="teacher.email"),
            Column("pack", label=_("Pack"), accessor="pack.title"),
            Column("amount", label=_("Owed")),
            Column("recovered", label=_("Repaid")),
            Column("outstanding", label=_("Outstanding")),
            Column("currency", label=_("Currency")),
            DateColumn("created_at", label=_("Refunded")),
            DateColumn("settled_at", label=_("Settled")),
        ]

    inspect_view_fields = [
        "teacher",
        "pack",
        "refund",
        "amount",
        "recovered",
        "outstanding",
        "currency",
        "created_at",
        "settled_at",
    ]
    form_fields = ["amount"]  # required by ModelViewSet; the edit view is not routed

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "delete_url_name": None,
                "edit_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self) -> list[Any]:
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", "") in ("index", "index_results", "inspect")
        ]

    def get_queryset(self, request: Any) -> Any:
        return EarningsDebt.objects.select_related("teacher", "pack")


class MaterialsViewSetGroup(ViewSetGroup):
    menu_label = _("Materials")
    menu_icon = "folder-open-inverse"
    menu_order = 620
    items = (MaterialPackViewSet, MaterialViewSet, EarningsDebtViewSet)


@hooks.register("register_admin_viewset")
def register_materials_viewsets() -> MaterialsViewSetGroup:
    return MaterialsViewSetGroup()
