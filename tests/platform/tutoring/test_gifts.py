"""Gifts during a live group session: paid through Stripe (faked at its HTTP boundary),
credited to the teacher through the ledger and shown live on every socket in the room."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone
from rest_framework.test import APIClient

from core.testing.websockets import connect
from credits.models import AccountKind
from credits.services import user_account, verify_balances
from realtime.testing import drain, receive_until
from realtime.testing import role_groups_after_flush as _role_groups  # noqa: F401
from tutoring.models import Booking, BookingStatus, Gift, GroupSession
from tutoring.services import group_sessions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def pay_with_stripe(providers, payment_id: str) -> None:

    from payments.models import Payment
    from payments.testing import deliver_payment_succeeded

    payment = Payment.objects.get(pk=payment_id)
    deliver_payment_succeeded(providers, payment)


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def live_session_with_a_paid_seat(make_listing, make_gig, learner, providers) -> GroupSession:
    """A session booked and paid ahead, whose time has now come."""
    listing = make_listing()
    start = (datetime.now(tz=UTC) + timedelta(days=3)).replace(hour=18, minute=0, second=0)
    session = group_sessions.publish(
        make_gig(listing),
        by=listing.user,
        topic="Charla",
        start=start,
        minutes=60,
        price=Decimal("8.00"),
        seats=4,
    )
    seat = api(learner).post(f"/api/v1/group-sessions/{session.pk}/book/").json()
    checkout = api(learner).post(f"/api/v1/bookings/{seat['id']}/pay/", {"provider": "stripe"})
    pay_with_stripe(providers, checkout.json()["payment_id"])
    # The session's time comes: it started five minutes ago.
    now = timezone.now()
    moved = {"start": now - timedelta(minutes=5), "end": now + timedelta(minutes=55)}
    GroupSession.objects.filter(pk=session.pk).update(**moved)
    Booking.objects.filter(group_session=session).update(
        **moved, blocked_start=moved["start"], blocked_end=moved["end"]
    )
    session.refresh_from_db()
    return session


async def test_a_gift_is_paid_credited_and_shown_live_to_teacher_and_learner(
    make_listing, make_gig, student, providers
) -> None:
    session = await sync_to_async(live_session_with_a_paid_seat)(
        make_listing, make_gig, student, providers
    )
    teacher = await sync_to_async(lambda: session.teacher.user)()
    teacher_socket = await connect(f"/ws/rooms/{session.room_id}/", user=teacher)
    await receive_until(teacher_socket, "room.state")
    learner_socket = await connect(f"/ws/rooms/{session.room_id}/", user=student)
    await receive_until(learner_socket, "room.state")  # a paid seat enters without waiting

    sent = await sync_to_async(
        lambda: api(student).post(
            f"/api/v1/sessions/{session.pk}/gifts/",
            {"amount": "5.00", "message": "¡Gracias!", "provider": "stripe"},
        )
    )()
    assert sent.status_code == 201, sent.json()
    assert sent.json()["gift"]["paid_at"] is None
    # Nothing is shown before the money arrives.
    assert not [e for e in await drain(teacher_socket) if e["type"] == "gift"]

    await sync_to_async(pay_with_stripe)(providers, sent.json()["checkout"]["payment_id"])
    for socket in (teacher_socket, learner_socket):
        event = await receive_until(socket, "gift")
        assert event["amount"] == "5.00"
        assert event["currency"] == "EUR"
        assert event["message"] == "¡Gracias!"
        assert event["gift"] == sent.json()["gift"]["id"]

    def ledger() -> tuple[Decimal, list]:
        earnings = user_account(teacher, AccountKind.EARNINGS, "EUR").balance
        return earnings, verify_balances()

    assert await sync_to_async(ledger)() == (Decimal("4.25"), [])  # 5.00 less 15 %
    gift = await sync_to_async(Gift.objects.get)(pk=sent.json()["gift"]["id"])
    assert gift.paid_at is not None
    # The provider repeats its event: nothing is credited or shown twice.
    await sync_to_async(pay_with_stripe)(providers, sent.json()["checkout"]["payment_id"])
    assert not [e for e in await drain(teacher_socket) if e["type"] == "gift"]
    assert await sync_to_async(ledger)() == (Decimal("4.25"), [])
    await teacher_socket.disconnect()
    await learner_socket.disconnect()


def test_gifts_are_refused_outside_the_live_window_and_from_non_participants(
    make_listing, make_gig, student, other_student, user_factory, providers
) -> None:
    session = live_session_with_a_paid_seat(make_listing, make_gig, student, providers)
    url = f"/api/v1/sessions/{session.pk}/gifts/"
    gift = {"amount": "5.00", "provider": "stripe"}

    outsider = api(other_student).post(url, gift)
    assert (outsider.status_code, outsider.json()["code"]) == (403, "not_allowed")
    teacher = api(session.teacher.user).post(url, gift)
    assert (teacher.status_code, teacher.json()["code"]) == (403, "not_allowed")
    missing = api(student).post("/api/v1/sessions/00000000-0000-0000-0000-000000000000/gifts/")
    assert missing.status_code == 404

    # Over: the session ended an hour ago.
    past = timezone.now() - timedelta(hours=2)
    Booking.objects.filter(group_session=session).update(
        start=past,
        end=past + timedelta(hours=1),
        blocked_start=past,
        blocked_end=past + timedelta(hours=1),
    )
    late = api(student).post(url, gift)
    assert (late.status_code, late.json()["code"]) == (409, "invalid_booking_state")
    # A seat only held, never paid, cannot send a gift either.
    holder = user_factory()
    Booking.objects.filter(group_session=session).update(status=BookingStatus.HELD)
    Booking.objects.filter(group_session=session).update(learner=holder)
    unpaid = api(holder).post(url, gift)
    assert (unpaid.status_code, unpaid.json()["code"]) == (409, "invalid_booking_state")
    assert not Gift.objects.exists()
