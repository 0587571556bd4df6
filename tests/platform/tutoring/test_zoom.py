"""Zoom as the lesson's meeting provider: the meeting is created through Zoom's API when the
booking is confirmed, and Zoom's signed webhooks record attendance and bill the lesson."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from tutoring import tasks
from tutoring.models import Booking, BookingStatus, ZoomAttendance, ZoomWebhookEvent

pytestmark = pytest.mark.django_db

SECRET = "zoom_webhook_secret_toto"
START = (datetime.now(tz=UTC) + timedelta(days=10)).replace(
    hour=10, minute=0, second=0, microsecond=0
)


def zoom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed(body: bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    """Zoom's headers: x-zm-signature = v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_ZM_REQUEST_TIMESTAMP": ts, "HTTP_X_ZM_SIGNATURE": f"v0={digest}"}


def deliver(client, event: dict, **signing) -> tuple[int, dict]:
    body = json.dumps(event).encode()
    response = client.post(
        "/api/v1/zoom/webhook/",
        body,
        content_type="application/json",
        **(signing.pop("headers", None) or signed(body, **signing)),
    )
    return response.status_code, response.json()


def meeting_event(name: str, booking: Booking, **fields) -> dict:
    return {
        "event": name,
        "event_ts": int(time.time() * 1000),
        "payload": {
            "account_id": "acc_toto",
            "object": {
                "id": booking.zoom_meeting_id,
                "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
                "host_id": "x1yCzABCDEfg23HiJKl4mN",
                "topic": "Spanish conversation",
                "type": 2,
                "start_time": zoom_time(booking.start),
                "timezone": "UTC",
                "duration": 60,
                **fields,
            },
        },
    }


def participant(booking: Booking, who: str, *, joined=None, left=None, visit: str = "1") -> dict:
    host = who == "teacher"
    person = {
        "user_id": "16778240" if host else "16779264",
        "user_name": "Teacher" if host else "Learner",
        "id": "x1yCzABCDEfg23HiJKl4mN" if host else "",
        "participant_uuid": f"{who}-visit-{visit}",
        "email": "" if host else booking.learner.email,
    }
    if joined:
        person["join_time"] = zoom_time(joined)
    if left:
        person["leave_time"] = zoom_time(left)
        person["leave_reason"] = "left the meeting"
    name = "meeting.participant_joined" if joined else "meeting.participant_left"
    return meeting_event(name, booking, participant=person)


@pytest.fixture
def zoom_lesson(api_client, client, providers, fake_zoom, make_listing, make_gig, student):
    """A per-minute lesson (0.50 a minute, an hour pre-authorised) booked on Zoom, paid, and
    confirmed: the task the confirmation enqueues creates the meeting."""
    from payments.models import Payment
    from payments.testing import deliver_payment_succeeded

    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing, per_minute="0.50", durations={60: "0"})
    api_client.force_login(student)
    held = api_client.post(
        "/api/v1/bookings/",
        {"gig": gig.pk, "start": START.isoformat(), "duration": 60, "provider": "zoom"},
    )
    assert held.status_code == 201, held.json()
    checkout = api_client.post(f"/api/v1/bookings/{held.json()['id']}/pay/", {})
    payment = Payment.objects.get(pk=checkout.json()["payment_id"])
    deliver_payment_succeeded(providers, payment, client)
    tasks.booking_confirmed(held.json()["id"])  # enqueued on commit of the payment
    return Booking.objects.select_related("learner", "teacher__user").get(pk=held.json()["id"])


def test_confirming_a_zoom_lesson_creates_its_meeting_through_zooms_api(
    zoom_lesson, fake_zoom, api_client
) -> None:
    token, create = fake_zoom.requests
    assert token["path"] == "/oauth/token"
    assert token["query"] == {"grant_type": ["account_credentials"], "account_id": ["acc_toto"]}
    assert token["authorization"].startswith("Basic ")
    assert create["path"] == "/v2/users/me/meetings"
    assert create["authorization"] == f"Bearer {fake_zoom.TOKEN}"
    assert create["body"]["type"] == 2
    assert create["body"]["start_time"] == zoom_time(START)
    assert create["body"]["duration"] == 60
    assert zoom_lesson.status == BookingStatus.CONFIRMED
    assert zoom_lesson.zoom_meeting_id == str(fake_zoom.meeting_id)
    assert zoom_lesson.zoom_join_url.startswith(f"https://zoom.us/j/{fake_zoom.meeting_id}")
    assert zoom_lesson.room_id == ""  # no classroom for a Zoom lesson
    shown = api_client.get(f"/api/v1/bookings/{zoom_lesson.pk}/").json()
    assert (shown["provider"], shown["zoom_join_url"]) == ("zoom", zoom_lesson.zoom_join_url)
    # The task may run again (retries): no second meeting.
    tasks.booking_confirmed(str(zoom_lesson.pk))
    assert len(fake_zoom.requests) == 2


def test_url_validation_answers_the_encrypted_token(client, fake_zoom) -> None:
    plain = "qgg8vlvZRS6UYooatFL8Aw"
    code, body = deliver(
        client,
        {
            "payload": {"plainToken": plain},
            "event_ts": int(time.time() * 1000),
            "event": "endpoint.url_validation",
        },
    )
    expected = hmac.new(SECRET.encode(), plain.encode(), hashlib.sha256).hexdigest()
    assert (code, body) == (200, {"plainToken": plain, "encryptedToken": expected})


def test_bad_missing_and_stale_signatures_are_refused_and_change_nothing(
    client, zoom_lesson
) -> None:
    joined = participant(zoom_lesson, "learner", joined=START)
    body = json.dumps(joined).encode()
    wrong = deliver(client, joined, secret="not-the-secret")
    assert (wrong[0], wrong[1]["code"]) == (401, "invalid_signature")
    assert deliver(client, joined, headers={"HTTP_X_ZM_REQUEST_TIMESTAMP": "1"})[0] == 401
    stale = int(time.time()) - 600
    assert deliver(client, joined, timestamp=stale)[0] == 401
    tampered = signed(body)
    tampered_event = {**joined, "event": "meeting.ended"}
    assert deliver(client, tampered_event, headers=tampered)[0] == 401
    assert not ZoomWebhookEvent.objects.exists()
    assert not ZoomAttendance.objects.exists()
    zoom_lesson.refresh_from_db()
    assert zoom_lesson.status == BookingStatus.CONFIRMED


def test_webhook_durations_bill_the_minutes_both_were_present(client, zoom_lesson) -> None:
    s, m = START, timedelta(minutes=1)
    events = [
        meeting_event("meeting.started", zoom_lesson, start_time=zoom_time(s - 10 * m)),
        participant(zoom_lesson, "teacher", joined=s - 10 * m),  # early: the wait is not billed
        participant(zoom_lesson, "learner", joined=s - 5 * m),
        participant(zoom_lesson, "learner", left=s + 20 * m),
        participant(zoom_lesson, "learner", joined=s + 22 * m, visit="2"),  # reconnected
        participant(zoom_lesson, "learner", left=s + 45 * m, visit="2"),
        participant(zoom_lesson, "teacher", left=s + 50 * m),
    ]
    for event in events:
        assert deliver(client, event) == (200, {"received": True, "duplicate": False})
    zoom_lesson.refresh_from_db()
    assert zoom_lesson.status == BookingStatus.IN_PROGRESS
    assert ZoomAttendance.objects.filter(booking=zoom_lesson).count() == 3

    ended = meeting_event("meeting.ended", zoom_lesson, end_time=zoom_time(s + 50 * m), duration=60)
    assert deliver(client, ended)[0] == 200
    zoom_lesson.refresh_from_db()
    assert zoom_lesson.status == BookingStatus.COMPLETED
    # Together from the start to minute 20 and from 22 to 45: 43 of the 60 authorised.
    assert zoom_lesson.billed_minutes == 43
    assert zoom_lesson.billed_amount == Decimal("21.50")
    assert zoom_lesson.refunded_amount == Decimal("8.50")
    earnings = user_account(zoom_lesson.teacher.user, AccountKind.EARNINGS, "EUR")
    assert earnings.balance == Decimal("18.27")  # 21.50 less 15 %
    assert verify_balances() == []

    # Zoom retries (or someone replays) deliveries: nothing moves twice.
    assert deliver(client, ended) == (200, {"received": True, "duplicate": True})
    assert deliver(client, events[2]) == (200, {"received": True, "duplicate": True})
    assert ZoomAttendance.objects.filter(booking=zoom_lesson).count() == 3
    earnings.refresh_from_db()
    assert earnings.balance == Decimal("18.27")
    assert [e.to_status for e in zoom_lesson.events.all()] == [
        "held",
        "confirmed",
        "in_progress",
        "completed",
    ]


def test_events_of_unknown_meetings_are_acknowledged_and_ignored(client, fake_zoom) -> None:
    stranger = {
        "event": "meeting.ended",
        "event_ts": int(time.time() * 1000),
        "payload": {
            "account_id": "acc_toto",
            "object": {"id": "999", "end_time": "2026-01-01T00:00:00Z"},
        },
    }
    assert deliver(client, stranger) == (200, {"received": True, "duplicate": False})
    assert not Booking.objects.exists()


def test_a_refused_zoom_request_leaves_no_meeting_and_the_task_retries(
    api_client, fake_zoom, settings, make_listing, make_gig, student
) -> None:
    from tutoring.services.bookings import confirm_payment
    from tutoring.zoom import ZoomError

    listing = make_listing(booking_horizon_days=3660)
    api_client.force_login(student)
    held = api_client.post(
        "/api/v1/bookings/",
        {
            "gig": make_gig(listing).pk,
            "start": START.isoformat(),
            "duration": 60,
            "provider": "zoom",
        },
    )
    confirm_payment(held.json()["id"], payment_reference="pay_1")
    settings.ZOOM_CLIENT_SECRET = "wrong"
    with pytest.raises(ZoomError, match="token request failed: 400"):
        tasks.booking_confirmed(held.json()["id"])  # run directly, autoretry re-raises
    assert Booking.objects.get(pk=held.json()["id"]).zoom_meeting_id == ""
    assert [r["path"] for r in fake_zoom.requests] == ["/oauth/token"]
