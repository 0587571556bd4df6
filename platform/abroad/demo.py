"""Demo calendars: the host has blocked a few dates in two rooms, and the demo student has
sent one request that waits for the host's answer. Idempotent."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.abroad.models import HomestayRoom

from . import services
from .models import AbroadBooking, RoomStay


def ensure_demo_calendars() -> str:
    host = get_user_model().objects.filter(email__iexact="homestay@toto.localhost").first()
    rooms = list(
        HomestayRoom.objects.filter(page__owner=host).select_related("page").order_by("pk")
    )
    if host is None or not rooms:
        return "study abroad calendars: no demo homestays"
    if RoomStay.objects.filter(room__in=rooms, booking__isnull=True).exists():
        return "study abroad calendars: already there"
    today = timezone.localdate()
    for offset, room in zip((10, 24, 40), rooms[::2], strict=False):
        start = today + timedelta(days=offset)
        services.block_dates(
            vendor=host,
            room_id=room.pk,
            check_in=start,
            check_out=start + timedelta(days=5),
            note="Family visiting",
        )
    student = get_user_model().objects.filter(email__iexact="student@toto.localhost").first()
    requested = [room for room in rooms if room.page.booking_mode == "request"]
    made = 0
    if student and requested and not AbroadBooking.objects.filter(learner=student).exists():
        room = requested[0]
        check_in = today + timedelta(days=60)
        while check_in.weekday() not in room.page.check_in_weekdays():
            check_in += timedelta(days=1)
        services.hold_booking(
            learner=student,
            room_id=room.pk,
            check_in=check_in,
            check_out=check_in + timedelta(days=room.page.min_nights),
        )
        made = 1
    return f"study abroad calendars: 3 blocked periods, {made} request waiting for the host"


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_calendars]
