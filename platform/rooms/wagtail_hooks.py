"""Voice rooms in the Wagtail admin: a read-only listing (topic, language, host, open or
ended, how many people are in now) for moderators and admins (rooms.view_room)."""

from typing import Any

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView

from core.admin_queues import ReviewQueueViewSet

from .models import Room


class VoiceRoomFilterSet(WagtailFilterSet):
    language = django_filters.CharFilter(label=_("Language"))
    open = django_filters.BooleanFilter(
        label=_("Open"), field_name="ended_at", lookup_expr="isnull"
    )

    class Meta:
        model = Room
        fields = ["language", "open"]


class VoiceRoomIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        return (
            Room.objects.filter(kind=Room.Kind.VOICE)
            .select_related("host")
            .annotate(present=Count("attendances", filter=Q(attendances__left_at__isnull=True)))
            .order_by("-created_at")
        )


class VoiceRoomViewSet(ReviewQueueViewSet):
    model = Room
    icon = "comment"
    menu_label = _("Voice rooms")
    menu_order = 620
    add_to_admin_menu = True
    url_prefix = "voice-rooms"
    name = "voice_rooms"
    filterset_class = VoiceRoomFilterSet
    search_fields = ["topic", "host__email"]
    ordering = ["-created_at"]
    list_per_page = 50
    inspect_view_enabled = False
    index_view_class = VoiceRoomIndexView

    @property
    def list_display(self) -> list[Column]:
        return [
            Column("topic", label=_("Topic")),
            Column("language", label=_("Language")),
            Column("level", label=_("Level")),
            Column("host", label=_("Host"), accessor="host.email"),
            Column("present", label=_("In the room now")),
            BooleanColumn("open", label=_("Open"), accessor=lambda room: room.ended_at is None),
            DateColumn("created_at", label=_("Opened")),
        ]

    history = False
    read_only = True


@hooks.register("register_admin_viewset")
def register_voice_room_viewset() -> VoiceRoomViewSet:
    return VoiceRoomViewSet()
