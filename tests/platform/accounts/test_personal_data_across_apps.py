"""The export holds the person's data from every app, and deletion erases it everywhere while
keeping what the law requires (payments, invoices, ledger, payouts) and what others need.

One person (Tomás: a teacher who also learns) with data in every app, and another person
(Lena) with data of her own in the same places: the export has every section, right, and
none of Lena's; deletion leaves Lena's data as it was."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.testing import AUTH, bearer

pytestmark = pytest.mark.django_db

APPS = [
    "messaging",
    "notifications",
    "payments",
    "credits",
    "payouts",
    "referrals",
    "tutoring",
    "translation",
    "ai",
    "learning",
    "rooms",
    "materials",  # its own hook (export only), its data tested in tests/platform/materials
    "voice_tutor",  # its data tested in tests/platform/voice_tutor/test_personal_data.py
    "abroad",  # its data tested in tests/platform/abroad/test_money.py
    "vocabulary",  # its data tested in tests/platform/vocabulary/test_vocabulary_jobs.py
]


def _lesson_start(days: int) -> datetime:
    moment = datetime.now(tz=UTC) + timedelta(days=days)
    return moment.replace(hour=10, minute=0, second=0, microsecond=0)


def _listing(user: Any, headline: str) -> Any:
    from tutoring.models import (
        Gig,
        GigCategory,
        GigDuration,
        ListingStatus,
        TaughtLanguage,
        TeacherListing,
        WeeklyHours,
    )

    listing, created = TeacherListing.objects.get_or_create(
        user=user,
        defaults={
            "headline": headline,
            "about": f"About {headline}",
            "status": ListingStatus.VERIFIED,
        },
    )
    if created:
        TaughtLanguage.objects.create(listing=listing, language="es")
        WeeklyHours.objects.create(listing=listing, weekday=0, start_time="09:00", end_time="17:00")
    gig = Gig.objects.create(
        listing=listing,
        category=GigCategory.objects.get_or_create(
            slug="language-tutor", defaults={"name": "Language tutor"}
        )[0],
        title=f"{headline} gig",
        about=f"Gig by {headline}",
        currency="EUR",
    )
    GigDuration.objects.create(gig=gig, minutes=60, price=Decimal("30.00"))
    return gig


def _buy_credits(user: Any, admin: Any) -> Any:
    from payments.services import confirm_bank_transfer, start_checkout

    checkout = start_checkout(
        user,
        purpose="credits",
        item={"package": "starter"},
        provider="bank_transfer",
        currency="EUR",
    )
    return confirm_bank_transfer(checkout.payment, by=admin)


def _everything(
    person: Any, mark: str, other: Any, third: Any, lesson: Any, admin: Any, day: int = 3
) -> None:
    """Data in every app for ``person``; ``mark`` is in every text they write. Called again
    (another mark and day), it adds as much again."""
    from ai.models import AIUsage
    from learning.models import ExerciseAttempt, LessonProgress
    from messaging import services as messaging
    from notifications.models import (
        Device,
        Notification,
        NotificationPreference,
        NotificationSettings,
    )
    from payouts.models import PayeeProfile
    from payouts.services import accrue_earning, request_payout
    from referrals.models import ReferralCode, SignupRecord
    from rooms import services as rooms
    from rooms.models import Recording
    from translation.models import InterpreterSession, PhrasebookEntry, Translation
    from tutoring.models import Booking, Favourite, Gift, Review, TimeRequest
    from tutoring.services.bookings import hold_booking

    # messaging
    conversation, _ = messaging.start_conversation(person, [other])
    messaging.send_message(person, conversation.pk, client_id=f"{mark}-1", body=f"Hola {mark}")
    messaging.block_user(person, third)
    messaging.report_user(person, third, f"Spam, says {mark}")
    # notifications
    Notification.objects.create(recipient=person, type="lesson.reminder", title=f"Note {mark}")
    Device.objects.create(user=person, platform="fcm", token=f"token-{mark}")
    NotificationSettings.objects.update_or_create(user=person, defaults={"daily_digest": True})
    NotificationPreference.objects.get_or_create(
        user=person, type="lesson.reminder", channel="email", defaults={"enabled": False}
    )
    # payments and credits (an invoice, ledger entries)
    _buy_credits(person, admin)
    # payouts: earnings, a payout request, bank details
    accrue_earning(
        person,
        gross=Decimal("100"),
        currency="EUR",
        role=Role.TEACHER,
        idempotency_key=f"earning-{mark}",
    )
    request_payout(
        person,
        amount=Decimal("20"),
        currency="EUR",
        method="bank_transfer",
        idempotency_key=f"payout-{mark}",
    )
    PayeeProfile.objects.update_or_create(user=person, defaults={"bank_details": f"IBAN {mark}"})
    # referrals
    ReferralCode.objects.get_or_create(user=person)
    SignupRecord.objects.get_or_create(
        user=person, defaults={"ip": "203.0.113.7", "device_id": f"device-{mark}"}
    )
    # tutoring: as a teacher (a listing, a gig, a lesson booked by ``other``) and as a learner
    own_gig = _listing(person, f"Listing {mark}")
    hold_booking(
        learner=other, gig=own_gig, start=_lesson_start(day), minutes=60, check_availability=False
    )
    third_gig = third.teacher_listing.gigs.first()
    learned = hold_booking(
        learner=person,
        gig=third_gig,
        start=_lesson_start(day + 1),
        minutes=60,
        check_availability=False,
    )
    Booking.objects.filter(pk=learned.pk).update(status="completed")
    Review.objects.create(
        booking=learned, teacher=third.teacher_listing, rating=5, text=f"Great, says {mark}"
    )
    Gift.objects.create(
        booking=learned, sender=person, amount=Decimal("5"), currency="EUR", message=f"Gift {mark}"
    )
    TimeRequest.objects.create(
        learner=person,
        gig=third_gig,
        start=_lesson_start(day + 2),
        minutes=60,
        message=f"Time {mark}",
    )
    Favourite.objects.get_or_create(learner=person, listing=third.teacher_listing)
    # translation
    Translation.objects.create(
        user=person,
        source_language="en",
        target_language="es",
        source_text=f"Translate {mark}",
        translated_text="Traducir",
    )
    chat = InterpreterSession.objects.create(user=person, language_a="en", language_b="es")
    chat.turns.create(
        speaker="a",
        source_language="en",
        target_language="es",
        source_text=f"Turn {mark}",
        translated_text="Turno",
    )
    entry = PhrasebookEntry.objects.create(
        user=person,
        source_language="en",
        target_language="es",
        source_text=f"Phrase {mark}",
        translated_text="Frase",
    )
    entry.tags.add("travel")
    # ai
    AIUsage.objects.create(
        user=person,
        feature="grammar_check",
        latency_ms=12,
        outcome="ok",
        units=Decimal("1"),
        credits=Decimal("1"),
    )
    # learning: a scored answer, a voice answer (a recording), progress
    ExerciseAttempt.objects.create(
        user=person,
        lesson=lesson,
        block_id="b1",
        exercise_type="text",
        answer={"text": f"Answer {mark}"},
        status="scored",
        score=Decimal("1"),
        points=Decimal("1"),
        max_points=Decimal("1"),
        correct=True,
    )
    voice = ExerciseAttempt(
        user=person,
        lesson=lesson,
        block_id="b2",
        exercise_type="voice",
        status="pending",
        max_points=Decimal("1"),
    )
    voice.audio.save("voice.webm", ContentFile(b"voice of " + mark.encode()), save=False)
    voice.save()
    LessonProgress.objects.get_or_create(
        user=person, translation_key=lesson.translation_key, defaults={"lesson": lesson}
    )
    # rooms: a class they host, attendance, a recording they made
    room = rooms.create_classroom(person, [other], topic=f"Class {mark}")
    rooms.join(room.pk, person, f"channel-{mark}")
    recording = Recording(room=room, uploaded_by=person, mime="video/webm", size=9)
    recording.file.save("class.webm", ContentFile(b"recording"), save=False)
    recording.save()


@pytest.fixture
def world(teacher, other_student, role_user, admin, make_lesson, package, settings) -> dict:
    settings.BANK_TRANSFER_MINIMUM = {}
    third = role_user(Role.TEACHER, email="tia@example.com", first_name="Tia", last_name="Third")
    _listing(third, "Listing of Tia")
    lesson = make_lesson("Saludos")
    _everything(teacher, "TOMAS", other_student, third, lesson, admin)
    _everything_for_lena(other_student, third, lesson, admin)
    return {"third": third, "lesson": lesson, "admin": admin}


def _everything_for_lena(lena: Any, third: Any, lesson: Any, admin: Any) -> None:
    """Lena's own data in the same apps (she is not a teacher)."""
    from ai.models import AIUsage
    from learning.models import ExerciseAttempt
    from messaging import services as messaging
    from notifications.models import Device, Notification
    from translation.models import PhrasebookEntry, Translation

    conversation, _ = messaging.start_conversation(lena, [third])
    messaging.send_message(lena, conversation.pk, client_id="lena-1", body="Hola LENA")
    Notification.objects.create(recipient=lena, type="lesson.reminder", title="Note LENA")
    Device.objects.create(user=lena, platform="fcm", token="token-LENA")
    _buy_credits(lena, admin)
    Translation.objects.create(
        user=lena,
        source_language="en",
        target_language="es",
        source_text="Translate LENA",
        translated_text="Traducir",
    )
    PhrasebookEntry.objects.create(
        user=lena,
        source_language="en",
        target_language="es",
        source_text="Phrase LENA",
        translated_text="Frase",
    )
    AIUsage.objects.create(user=lena, feature="grammar_check", latency_ms=12, outcome="ok")
    ExerciseAttempt.objects.create(
        user=lena,
        lesson=lesson,
        block_id="b1",
        exercise_type="text",
        answer={"text": "Answer LENA"},
        status="scored",
        score=Decimal("0"),
        points=Decimal("0"),
        max_points=Decimal("1"),
        correct=False,
    )


def _export(client: APIClient) -> dict:
    response = client.get("/api/v1/users/me/export/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_export_has_every_apps_data_and_nobody_elses(world, teacher, api_client) -> None:
    api_client.force_login(teacher)
    data = _export(api_client)
    assert set(APPS) <= set(data)
    text = str(data)
    assert "LENA" not in text and "lena@example.com" not in text

    messaging = data["messaging"]
    assert [m["body"] for m in messaging["messages_written"]] == ["Hola TOMAS"]  # decrypted
    assert len(messaging["conversations"]) == 1
    assert messaging["reports_made"][0]["reason"] == "Spam, says TOMAS"
    assert len(messaging["blocked_users"]) == 1
    notifications = data["notifications"]
    assert [n["title"] for n in notifications["notifications"]] == ["Note TOMAS"]
    assert [d["token"] for d in notifications["devices"]] == ["token-TOMAS"]
    assert notifications["settings"]["daily_digest"] is True
    assert notifications["preferences"] == [
        {"type": "lesson.reminder", "channel": "email", "enabled": False}
    ]
    (payment,) = data["payments"]["payments"]
    assert payment["amount"] == "9.00" and payment["currency"] == "EUR"
    assert payment["status"] == "succeeded"
    assert payment["invoices"][0]["billed_to"].startswith("Tomás Teacher")
    credits = data["credits"]
    assert {(a["kind"], a["balance"]) for a in credits["accounts"]} >= {("wallet", "100.00")}
    assert any(entry["amount"] == "100.00" for entry in credits["entries"])
    payouts = data["payouts"]
    assert payouts["payee"]["bank_details"] == "IBAN TOMAS"
    assert [p["amount"] for p in payouts["payout_requests"]] == ["20.00"]
    referrals = data["referrals"]
    assert len(referrals["code"]) == 8
    assert referrals["signup"] == {
        "ip": "203.0.113.7",
        "device_id": "device-TOMAS",
        "created_at": referrals["signup"]["created_at"],
    }
    tutoring = data["tutoring"]
    assert tutoring["teacher_listing"]["headline"] == "Listing TOMAS"
    assert tutoring["teacher_listing"]["gigs"][0]["durations"] == [
        {"minutes": 60, "price": "30.00"}
    ]
    assert len(tutoring["bookings_as_teacher"]) == 1
    assert len(tutoring["bookings_as_learner"]) == 1
    assert [r["text"] for r in tutoring["reviews_written"]] == ["Great, says TOMAS"]
    assert [g["message"] for g in tutoring["gifts_sent"]] == ["Gift TOMAS"]
    assert [t["message"] for t in tutoring["time_requests"]] == ["Time TOMAS"]
    assert len(tutoring["favourite_teachers"]) == 1
    translation = data["translation"]
    assert [t["source_text"] for t in translation["history"]] == ["Translate TOMAS"]
    assert translation["conversations"][0]["turns"][0]["source_text"] == "Turn TOMAS"
    assert translation["phrasebook"][0]["tags"] == ["travel"]
    assert [u["feature"] for u in data["ai"]["usage"]] == ["grammar_check"]
    learning = data["learning"]
    assert [a["answer"] for a in learning["attempts"]] == [
        {"text": "Answer TOMAS"},
        {},
    ]
    assert learning["attempts"][1]["has_recording"] is True
    assert learning["progress"][0]["lesson"] == "Saludos"
    rooms = data["rooms"]
    assert [r["topic"] for r in rooms["rooms_hosted"]] == ["Class TOMAS"]
    assert len(rooms["attendance"]) == 1
    assert rooms["recordings_made"][0]["url"].endswith("/file/")


def test_the_export_costs_the_same_number_of_queries_however_much_data(
    world, teacher, other_student, admin, api_client, assert_num_queries
) -> None:
    api_client.force_login(teacher)
    _export(api_client)  # warm: sessions, content types, site
    with CaptureQueriesContext(connection) as before:
        _export(api_client)
    # As much again in every app.
    _everything(teacher, "TOMAS2", other_student, world["third"], world["lesson"], admin, day=10)
    with assert_num_queries(len(before.captured_queries)):
        data = _export(api_client)
    assert len(data["messaging"]["messages_written"]) == 2
    assert len(data["tutoring"]["bookings_as_learner"]) == 2
    assert len(before.captured_queries) == EXPORT_QUERIES


# The whole export (session and user included), pinned: a new app's section adds its own
# fixed number, never one per row.
# payouts' tax documents: 1; disputes: 3 (refund requests, disputes, evidence given);
EXPORT_QUERIES = 106  # tutoring's lesson packages: 1; voice_tutor: 1 (its sessions; turns prefetched only when any);
# abroad: 7 (bookings, bookings of my listings, wishlist, blocked dates, reviews, partner
# applications, their documents); social: 12;
# notifications' Web Push subscriptions: 1; analytics: 2 (events, progress shared with teachers); vocabulary: 4
# (schedule, words with their cards, reviews, postponed/advanced due dates; tags prefetched only when there are words);
# cms_site: 1 (legal acceptances); gamification: 6 (settings, XP, days, badges, quests,
# leagues); disputes: 3 (refund requests, disputes, evidence given); payments' billing
# details (country, tax id): 1


def test_deletion_erases_everywhere_keeps_the_books_and_spares_others(
    world, teacher, other_student, login_tokens, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from ai.models import AIUsage
    from credits.models import Entry, Subscription
    from credits.services import verify_balances
    from learning.models import ExerciseAttempt
    from messaging import crypto
    from messaging.models import Block, Message
    from notifications.models import Device, Notification, NotificationSettings
    from payments.models import Invoice, Payment
    from payments.tasks import cancel_stripe_subscription
    from payouts.models import PayeeProfile, PayoutRequest
    from referrals.models import ReferralCode, SignupRecord
    from rooms.models import Attendance, Recording, Room
    from translation.models import InterpreterSession, PhrasebookEntry, Translation
    from tutoring.api.serializers import ReviewSerializer
    from tutoring.models import Booking, Gift, Review, TeacherListing, TimeRequest

    # Deletion waits until no money is owed to the person (payouts.personal_data): the
    # pending bank-transfer payout is paid and the rest of the earnings asked for and paid.
    _pay_out_everything(teacher, world["admin"])
    subscription = Subscription.objects.create(
        user=teacher,
        plan=_plan(),
        status="active",
        provider="stripe",
        provider_subscription_id="sub_TOMAS",
    )
    cancelled: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        cancel_stripe_subscription, "delay", lambda *a, **kw: cancelled.append((a, kw))
    )
    from tutoring import tasks as tutoring_tasks

    lessons_cancelled: list[str] = []
    monkeypatch.setattr(
        tutoring_tasks.booking_cancelled, "delay", lambda pk: lessons_cancelled.append(pk)
    )
    voice_file = ExerciseAttempt.objects.get(user=teacher, block_id="b2").audio.name
    assert storages["private"].exists(voice_file)
    recording_file = Recording.objects.get(uploaded_by=teacher).file.name
    invoices_before = list(Invoice.objects.order_by("number").values_list("number", "billed_to"))
    entries_before = Entry.objects.count()
    lena_before = _snapshot(other_student)
    tokens = login_tokens("tomas@example.com")
    client = bearer(APIClient(), tokens["access_token"])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete("/api/v1/users/me/").status_code == 204

    # Signed out everywhere, and cannot sign in again.
    assert client.get("/api/v1/users/me/").status_code == 401
    refresh = APIClient().post(
        f"{AUTH}/tokens/refresh", {"refresh_token": tokens["refresh_token"]}, format="json"
    )
    assert refresh.status_code in (400, 401)
    login = APIClient().post(
        f"{AUTH}/auth/login",
        {"email": "tomas@example.com", "password": "correct-horse-battery"},
        format="json",
    )
    assert login.status_code == 400
    user = User.objects.get(pk=teacher.pk)
    assert not user.is_active and user.get_full_name() == "Former member"

    # messaging: their messages are deleted messages now; blocks and preferences gone.
    (message,) = Message.objects.filter(sender=user)
    assert message.body_encrypted == "" and message.deleted_at is not None
    assert message.changed_event == message.conversation.last_event
    assert not Block.objects.filter(blocker=user).exists()
    # notifications: all gone, device tokens included.
    assert not Notification.objects.filter(recipient=user).exists()
    assert not Device.objects.filter(user=user).exists()
    assert not NotificationSettings.objects.filter(user=user).exists()
    # money: payments, invoices (as issued) and the ledger are kept, and still balance.
    assert Payment.objects.filter(user=user).count() == 1
    assert list(Invoice.objects.order_by("number").values_list("number", "billed_to")) == (
        invoices_before
    )
    assert Entry.objects.count() == entries_before
    assert verify_balances() == []
    # A refund after the deletion is credited to the name and address on the invoice.
    from payments.invoices import issue_credit_note
    from payments.models import Refund

    payment = Payment.objects.get(user=user)
    refund = Refund.objects.create(payment=payment, amount=Decimal("9.00"), idempotency_key="r")
    assert issue_credit_note(refund).billed_to == payment.invoices.get(kind="invoice").billed_to
    assert PayoutRequest.objects.filter(payee=user).count() == 2
    assert PayeeProfile.objects.get(user=user).bank_details == ""
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end is True
    assert cancelled == [(("sub_TOMAS",), {"at_period_end": True})]
    # referrals
    assert not ReferralCode.objects.filter(user=user).exists()
    assert SignupRecord.objects.get(user=user).ip is None
    # tutoring: unlisted and blank; bookings and gifts kept; the review kept, anonymous.
    listing = TeacherListing.objects.get(user=user)
    assert (listing.status, listing.headline, listing.about) == ("draft", "", "")
    assert not listing.gigs.filter(is_active=True).exists()
    assert Booking.objects.filter(learner=user).count() == 1
    assert Gift.objects.get(sender=user).message == ""
    assert TimeRequest.objects.get(learner=user).message == ""
    review = Review.objects.get(booking__learner=user)
    assert review.text == "Great, says TOMAS"
    assert ReviewSerializer(review).data["learner"] == "Former member"
    # translation: all gone.
    assert not Translation.objects.filter(user=user).exists()
    assert not InterpreterSession.objects.filter(user=user).exists()
    assert not PhrasebookEntry.objects.filter(user=user).exists()
    # ai: the usage log is no longer theirs.
    assert not AIUsage.objects.filter(user=user).exists()
    # learning: attempts kept (append-only), the voice recording's file deleted.
    assert ExerciseAttempt.objects.filter(user=user).count() == 2
    assert not storages["private"].exists(voice_file)
    # rooms: their recording and its file gone, their open class ended, attendance kept.
    assert not Recording.objects.filter(uploaded_by=user).exists()
    assert not storages["private"].exists(recording_file)
    assert not Room.objects.filter(host=user, ended_at__isnull=True).exists()
    assert Attendance.objects.filter(user=user).count() == 1

    # Lena's data is as it was, her messages still readable; only the lesson she was holding
    # with Tomás is released (his upcoming lessons are cancelled, tested in
    # test_deletion_with_money_in_flight.py).
    assert lena_before["bookings"] == [("held",)]
    assert _snapshot(other_student) == {**lena_before, "bookings": [("cancelled",)]}
    (lena_booking,) = Booking.objects.filter(learner=other_student)
    assert lessons_cancelled == [str(lena_booking.pk)]  # she is told after the commit
    lena_message = Message.objects.get(sender=other_student)
    assert crypto.decrypt(lena_message.body_encrypted) == "Hola LENA"


def _pay_out_everything(person: Any, admin: Any) -> None:
    from credits.models import AccountKind
    from credits.services import user_account
    from payouts.models import PayoutRequest
    from payouts.services import pay_payout, request_payout

    for payout in PayoutRequest.objects.filter(payee=person, status="requested"):
        pay_payout(payout, by=admin, reference=f"SEPA-{payout.pk}")
    earnings = user_account(person, AccountKind.EARNINGS, "EUR")
    payout = request_payout(
        person,
        amount=earnings.balance,
        currency="EUR",
        method="bank_transfer",
        idempotency_key="before-deletion",
    )
    pay_payout(payout, by=admin, reference="SEPA-last")


def _plan() -> Any:
    from credits.models import Plan

    return Plan.objects.get_or_create(slug="premium-test", defaults={"name": "Premium"})[0]


def _snapshot(person: Any) -> dict[str, Any]:
    from ai.models import AIUsage
    from learning.models import ExerciseAttempt
    from messaging.models import Message
    from notifications.models import Device, Notification
    from payments.models import Invoice, Payment
    from translation.models import PhrasebookEntry, Translation
    from tutoring.models import Booking

    return {
        "messages": list(Message.objects.filter(sender=person).values_list("body_encrypted")),
        "notifications": list(Notification.objects.filter(recipient=person).values_list("title")),
        "devices": list(Device.objects.filter(user=person).values_list("token")),
        "payments": list(Payment.objects.filter(user=person).values_list("status", "amount")),
        "invoices": list(Invoice.objects.filter(payment__user=person).values_list("billed_to")),
        "bookings": list(Booking.objects.filter(learner=person).values_list("status")),
        "translations": list(Translation.objects.filter(user=person).values_list("source_text")),
        "phrases": list(PhrasebookEntry.objects.filter(user=person).values_list("source_text")),
        "ai": AIUsage.objects.filter(user=person).count(),
        "attempts": list(ExerciseAttempt.objects.filter(user=person).values_list("answer")),
        "email": User.objects.get(pk=person.pk).email,
    }
