"""The host's calendar page: booked and blocked nights per room, blocking and unblocking."""

from datetime import timedelta

import pytest
from abroad import services
from abroad.models import RoomStay
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role

pytestmark = pytest.mark.django_db

CALENDAR = "/abroad/vendor/calendar/"


def test_a_host_blocks_and_unblocks_nights_and_sees_bookings(
    client, make_homestay, homestay_owner, student, role_user
) -> None:
    homestay = make_homestay(homestay_owner, rooms=2)
    first, second = homestay.rooms.order_by("sort_order")
    arrive = timezone.localdate() + timedelta(days=10)
    services.hold_booking(
        learner=student, room_id=first.pk, check_in=arrive, check_out=arrive + timedelta(days=5)
    )
    client.force_login(homestay_owner)

    page = client.get(CALENDAR)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Booked by Sam" in html
    assert "Free every night." in html  # the second room
    assert reverse("abroad-vendor-calendar") in client.get("/abroad/vendor/").content.decode()

    # Over the guest's nights: refused, with the reason, and nothing blocked.
    taken = client.post(
        CALENDAR,
        {
            "room": first.pk,
            "check_in": arrive + timedelta(days=1),
            "check_out": arrive + timedelta(days=3),
        },
    )
    assert taken.status_code == 400
    assert "already booked or blocked" in taken.content.decode()
    backwards = client.post(CALENDAR, {"room": second.pk, "check_in": arrive, "check_out": arrive})
    assert backwards.status_code == 400
    assert 'data-testid="error-check_out"' in backwards.content.decode()

    done = client.post(
        CALENDAR,
        {
            "room": second.pk,
            "check_in": arrive,
            "check_out": arrive + timedelta(days=3),
            "note": "Family visit",
        },
    )
    assert done.status_code == 302
    block = RoomStay.objects.get(room=second, booking__isnull=True)
    assert "Family visit" in client.get(CALENDAR).content.decode()
    # Guests can no longer book those nights.
    assert services.room_is_free(second.pk, arrive, arrive + timedelta(days=1)) is False

    # Another host can neither block this room nor unblock its nights.
    other = role_user(Role.HOMESTAY_OWNER, email="olga@example.com")
    client.force_login(other)
    assert (
        client.post(
            CALENDAR,
            {
                "room": first.pk,
                "check_in": arrive + timedelta(days=20),
                "check_out": arrive + timedelta(days=21),
            },
        ).status_code
        == 400
    )  # not one of the rooms they may choose
    client.post(reverse("abroad-vendor-unblock", args=[block.pk]))
    assert RoomStay.objects.filter(pk=block.pk).exists()

    client.force_login(homestay_owner)
    assert client.post(reverse("abroad-vendor-unblock", args=[block.pk])).status_code == 302
    assert not RoomStay.objects.filter(pk=block.pk).exists()


def test_the_calendar_reads_in_two_queries_however_many_rooms_and_stays(
    client, make_homestay, homestay_owner, student, other_student, assert_num_queries
) -> None:
    from abroad import selectors

    def rooms_and_stays() -> int:
        with assert_num_queries(2):  # rooms with their homestay, stays with their guest
            rows = selectors.vendor_calendar(
                homestay_owner, timezone.localdate(), timezone.localdate() + timedelta(days=180)
            )
            return sum(len(row["stays"]) for row in rows)

    make_homestay(homestay_owner)
    assert rooms_and_stays() == 0
    bigger = make_homestay(homestay_owner, rooms=3)
    arrive = timezone.localdate() + timedelta(days=5)
    for learner, room in zip((student, other_student), bigger.rooms.all()[:2], strict=True):
        services.hold_booking(
            learner=learner, room_id=room.pk, check_in=arrive, check_out=arrive + timedelta(days=3)
        )
    assert rooms_and_stays() == 2
