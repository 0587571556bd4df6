"""Cross-user authorization, generated from the URLconf: every API route with an object in its
path (``{pk}``, ``{id}``, ``{token}``, a slug …) is hit, with every method its view answers,
as the object's owner, as another signed-in user and anonymously. Another user and an
anonymous client never get a 2xx from a private object, whatever the method, and the owner
still reads it afterwards (so a refused DELETE or PATCH really changed nothing).

The objects are the demo data's (``load_demo_data``: one load for the whole matrix), found by
the ``ROUTES`` registry: route -> who owns the object and how to find it. What the demo lacks
(a voice exercise's recording, a chat photo, a tutor turn's recording) the finder makes as
its owner would, through the owning app's API or service; a word's audio comes from the real
ML service. Every owner read must answer 2xx, so a private file its owner cannot fetch fails. A route missing
from the registry fails ``test_every_object_route_is_registered`` with the line to add, so a
new endpoint is covered as soon as it exists. ``Public`` routes name the methods anyone may
use (a published catalogue page, "buy", "follow"); every other method on them is still
checked. ``NotAnObject`` routes carry something other than an object id (a chart name, the
user one blocks); they say why.

The "other user" is a teacher and learner at once, so a refusal is about whose object it is,
never about a missing role.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.roles import Role

API_PREFIX = "api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
STUDENT = "student@toto.localhost"
TEACHER = "teacher@toto.localhost"
HOMESTAY = "homestay@toto.localhost"
INSTITUTION = "institution@toto.localhost"

Finder = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Owned:
    """A private object: only ``owner`` (and whoever the view lets in, never our intruder)."""

    owner: str
    find: Finder


@dataclass(frozen=True)
class Public:
    """Readable or usable by anyone signed in (or anonymous) for ``anyone_may``; the other
    methods are the owner's (``owner`` when there is one)."""

    find: Finder
    anyone_may: frozenset[str] = field(default_factory=lambda: frozenset({"GET"}))
    owner: str | None = None


@dataclass(frozen=True)
class NotAnObject:
    reason: str


Entry = Owned | Public | NotAnObject


def _user(email: str) -> Any:
    return get_user_model().objects.get(email=email)


def first(queryset: Any, what: str) -> Any:
    found = queryset.first()
    assert found is not None, f"the demo data has no {what}: create one in the route's finder"
    return found


# --- Finders: (owner) -> path kwargs, from the demo data -------------------------------------


def tutoring_booking(owner: Any) -> dict[str, Any]:
    from tutoring.models import Booking

    return {"pk": first(Booking.objects.filter(learner=owner), "booking").pk}


def _demo_gig(*, packages: bool = False) -> Any:
    """An active gig of the demo teacher (one that sells packages when asked)."""
    from tutoring.models import Gig

    gigs = Gig.objects.filter(is_active=True, listing__user__email=TEACHER).order_by("pk")
    gig = next((g for g in gigs if g.package_sizes or not packages), None)
    assert gig is not None, "the demo teacher has no gig" + (" with packages" if packages else "")
    return gig


def time_request(owner: Any) -> dict[str, Any]:
    """The owner asks the demo teacher for a time outside their hours (as on the website)."""
    from datetime import timedelta

    from django.utils import timezone

    from tutoring.models import TimeRequest
    from tutoring.services.time_requests import request_time

    found = TimeRequest.objects.filter(learner=owner).first()
    if found is None:
        gig = _demo_gig()
        found = request_time(
            learner=owner,
            gig=gig,
            start=timezone.now() + timedelta(days=3),
            minutes=gig.durations.first().minutes,
        )
    return {"pk": found.pk}


def teacher_gig(owner: Any) -> dict[str, Any]:
    from tutoring.models import Gig

    return {"pk": first(Gig.objects.filter(listing__user=owner), "gig").pk}


def availability_exception(owner: Any) -> dict[str, Any]:
    from tutoring.models import AvailabilityException

    found = AvailabilityException.objects.filter(listing__user=owner).first()
    if found is None:
        from datetime import timedelta

        from django.utils import timezone

        from tutoring.models import ExceptionKind
        from tutoring.services.teachers import add_exception

        start = timezone.now() + timedelta(days=30)
        found = add_exception(
            owner.teacher_listing,
            kind=ExceptionKind(ExceptionKind.values[0]),
            start=start,
            end=start + timedelta(hours=2),
        )
    return {"pk": found.pk}


def group_session(owner: Any) -> dict[str, Any]:
    from tutoring.models import GroupSession

    return {"pk": first(GroupSession.objects.filter(teacher__user=owner), "group session").pk}


def teacher_listing(owner: Any) -> dict[str, Any]:
    return {"id": owner.teacher_listing.pk}


def gig_category(owner: Any) -> dict[str, Any]:
    from tutoring.models import GigCategory

    return {"pk": first(GigCategory.objects.all(), "gig category").pk}


def review(owner: Any) -> dict[str, Any]:
    from tutoring.models import Review

    return {"pk": first(Review.objects.filter(teacher__user=owner), "review").pk}


def consenting_student(owner: Any) -> dict[str, Any]:
    """The demo student, who booked the demo teacher, lets them see their progress."""
    from analytics.services import share_progress

    share_progress(_user(STUDENT), owner.pk)
    return {"student_id": _user(STUDENT).pk}


def session_with_gifts(owner: Any) -> dict[str, Any]:
    from tutoring.models import Booking

    return {"pk": first(Booking.objects.filter(learner=owner), "booking").pk}


def conversation(owner: Any) -> dict[str, Any]:
    from messaging.models import Conversation

    found = first(Conversation.objects.filter(participants__user=owner), "conversation")
    return {"conversation_id": found.pk}


def message(owner: Any) -> dict[str, Any]:
    from messaging.models import Message

    found = first(Message.objects.filter(sender=owner), "message")
    return {"conversation_id": found.conversation_id, "message_id": found.pk}


def message_with_attachment(owner: Any) -> dict[str, Any]:
    """A photo the owner sent in one of their conversations, through the messages API."""
    from messaging.models import Message

    found = Message.objects.filter(sender=owner).exclude(attachment="").first()
    if found is None:
        conversation_id = conversation(owner)["conversation_id"]
        client = APIClient()
        client.force_login(owner)
        sent = client.post(
            f"/{API_PREFIX}conversations/{conversation_id}/messages/",
            {"client_id": f"cross-user-{owner.pk}", "body": "", "attachment": _png()},
            format="multipart",
        )
        assert sent.status_code == 201, sent.content
        found = Message.objects.get(pk=sent.json()["id"])
    return {"conversation_id": found.conversation_id, "message_id": found.pk}


def material(owner: Any) -> dict[str, Any]:
    from materials.models import Material

    return {"pk": first(Material.objects.filter(teacher=owner), "material").pk}


def material_share(owner: Any) -> dict[str, Any]:
    from materials.models import MaterialShare

    share = first(MaterialShare.objects.filter(material__teacher=owner), "material share")
    return {"pk": share.material_id, "learner_id": share.learner_id}


def material_pack(owner: Any) -> dict[str, Any]:
    from materials.models import MaterialPack

    return {"pk": first(MaterialPack.objects.filter(teacher=owner), "material pack").pk}


def notification(owner: Any) -> dict[str, Any]:
    from notifications.models import Notification

    found = first(Notification.objects.filter(recipient=owner), "notification")
    return {"notification_id": found.pk}


def device(owner: Any) -> dict[str, Any]:
    from notifications.models import Device

    found = Device.objects.filter(user=owner).first()
    if found is None:
        found = Device.objects.create(user=owner, platform="fcm", token="demo-device-token")
    return {"token": found.token}


def payment(owner: Any) -> dict[str, Any]:
    from payments.models import Payment

    return {"pk": first(Payment.objects.filter(user=owner), "payment").pk}


def subscription(owner: Any) -> dict[str, Any]:
    """The owner's subscription, activated as a paid checkout activates it."""
    from datetime import timedelta

    from django.utils import timezone

    from credits.models import Plan, Subscription
    from credits.services import activate_subscription

    found = Subscription.objects.filter(user=owner).first()
    if found is None:
        found = activate_subscription(
            user=owner,
            plan=first(Plan.objects.order_by("pk"), "plan"),
            provider="demo",
            provider_subscription_id=f"cross-user:{owner.pk}",
            current_period_end=timezone.now() + timedelta(days=30),
        )
    return {"pk": found.pk}


def room(owner: Any) -> dict[str, Any]:
    """A voice room the owner hosts (opened as the website's "Start a room" does)."""
    from rooms.models import Room
    from rooms.services import create_voice_room

    found = Room.objects.filter(host=owner).first()
    if found is None:
        found = create_voice_room(owner, "Cross-user check", "es", level="A2")
    return {"room_id": found.pk}


def moment(owner: Any) -> dict[str, Any]:
    from social.models import Moment

    return {"pk": first(Moment.objects.filter(author=owner), "moment").pk}


def comment(owner: Any) -> dict[str, Any]:
    from social.models import Comment

    return {"pk": first(Comment.objects.filter(author=owner), "comment").pk}


def _png() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def moment_media(owner: Any) -> dict[str, Any]:
    """A photo of the owner's public moment, posted as the website posts one."""
    from social.models import MomentMedia
    from social.services import post_moment

    found = MomentMedia.objects.filter(moment__author=owner).first()
    if found is None:
        moment = post_moment(owner, text="Mi primera foto", language="es", images=[_png()])
        found = first(MomentMedia.objects.filter(moment=moment), "moment photo")
    return {"pk": found.pk}


def user_itself(owner: Any) -> dict[str, Any]:
    return {"pk": owner.pk}


def translation_history(owner: Any) -> dict[str, Any]:
    from translation.models import Translation

    found = Translation.objects.filter(user=owner).first()
    if found is None:
        found = Translation.objects.create(
            user=owner,
            source_language="en",
            target_language="es",
            source_text="hello",
            translated_text="hola",
        )
    return {"pk": found.pk}


def phrasebook_entry(owner: Any) -> dict[str, Any]:
    from translation.models import PhrasebookEntry

    return {"pk": first(PhrasebookEntry.objects.filter(user=owner), "phrasebook entry").pk}


def interpreter_session(owner: Any) -> dict[str, Any]:
    from translation.models import InterpreterSession
    from translation.services import start_conversation

    found = InterpreterSession.objects.filter(user=owner).first()
    if found is None:
        found = start_conversation(owner, "en", "es")
    return {"pk": found.pk}


def _tutor_session(owner: Any) -> Any:
    """The owner's voice tutor session, started as "Speak with a tutor" starts one (a demo
    tutor and a situation in the same language; it costs the owner a minute of credits)."""
    from voice_tutor.models import PracticeContext, TutorSession, VoiceAvatar
    from voice_tutor.services import start_session

    found = TutorSession.objects.filter(user=owner).first()
    if found is not None:
        return found
    for avatar in VoiceAvatar.objects.filter(live=True).order_by("pk"):
        language = avatar.language.split("-")[0].lower()
        context = (
            PracticeContext.objects.filter(live=True, language__istartswith=language)
            .order_by("pk")
            .first()
        )
        if context is not None:
            return start_session(owner, avatar_id=avatar.pk, context_id=context.pk)
    raise AssertionError("the demo has no tutor and situation in the same language")


def tutor_session(owner: Any) -> dict[str, Any]:
    return {"pk": _tutor_session(owner).pk}


def _wav() -> bytes:
    """Half a second of a real 8 kHz mono 16-bit WAV (a tone, not silence)."""
    import io
    import math
    import struct
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                for i in range(4000)
            )
        )
    return buffer.getvalue()


def tutor_recording(owner: Any) -> dict[str, Any]:
    """A spoken turn of the owner's tutor session with its recording, stored by the voice
    tutor's service as the socket stores it (the transcript and the WAV the learner sent)."""
    from voice_tutor import services
    from voice_tutor.models import TutorTurn

    found = TutorTurn.objects.filter(
        session__user=owner, speaker="learner", recording__gt=""
    ).first()
    if found is None:
        session = _tutor_session(owner)
        found = services.learner_turn(session, text="Hola, buenos días.", audio=_wav())
    return {"session_id": found.session_id, "seq": found.seq}


def tutor_avatar(owner: Any) -> dict[str, Any]:
    from voice_tutor.models import VoiceAvatar

    return {"pk": first(VoiceAvatar.objects.all(), "voice avatar").pk}


def tutor_context(owner: Any) -> dict[str, Any]:
    from voice_tutor.models import PracticeContext

    return {"pk": first(PracticeContext.objects.all(), "practice context").pk}


def word(owner: Any) -> dict[str, Any]:
    from vocabulary.models import Word

    return {"pk": first(Word.objects.filter(owner=owner), "word").pk}


def _answer_a_demo_exercise(
    owner: Any,
    block_type: str,
    answer: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    fmt: str,
    expected: int,
) -> dict[str, Any]:
    """Walks the demo lessons as ``owner`` to the first exercise of ``block_type`` and sends
    ``answer(block)`` to it through the API, as the lesson page does."""
    from cms.learning.models import LessonPage

    client = APIClient()
    client.force_login(owner)
    for page in LessonPage.objects.live().order_by("pk"):
        body = client.get(f"/{API_PREFIX}lessons/{page.pk}/").json().get("body", [])
        block = next((b for b in body if b["type"] == block_type), None)
        if block is None:
            continue
        answered = client.post(
            f"/{API_PREFIX}lessons/{page.pk}/exercises/{block['id']}/attempts/",
            answer(block),
            format=fmt,
        )
        assert answered.status_code == expected, answered.content
        return {"pk": answered.json()["id"]}
    raise AssertionError(f"the demo lessons have no {block_type} exercise")


def exercise_attempt(owner: Any) -> dict[str, Any]:
    """The owner's answer to a demo lesson's multiple-choice exercise, sent through the API."""
    from learning.models import ExerciseAttempt

    found = ExerciseAttempt.objects.filter(user=owner).first()
    if found is not None:
        return {"pk": found.pk}
    return _answer_a_demo_exercise(
        owner,
        "multiple_choice",
        lambda block: {"answer": {"choices": [block["value"]["choices"][0]["id"]]}},
        fmt="json",
        expected=201,
    )


def voice_attempt(owner: Any) -> dict[str, Any]:
    """The owner's recording for a demo lesson's voice exercise, uploaded through the API as
    the lesson page uploads it (a real WAV, judged by its content)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from learning.models import ExerciseAttempt

    found = ExerciseAttempt.objects.filter(user=owner).exclude(audio="").first()
    if found is not None:
        return {"pk": found.pk}
    return _answer_a_demo_exercise(
        owner,
        "voice",
        lambda block: {"audio": SimpleUploadedFile("take.wav", _wav(), content_type="audio/wav")},
        fmt="multipart",
        expected=202,  # judged after the answer, by the ML service
    )


def lesson(owner: Any) -> dict[str, Any]:
    from cms.learning.models import LessonPage

    return {"pk": first(LessonPage.objects.live(), "lesson").pk}


def lesson_exercise(owner: Any) -> dict[str, Any]:
    from cms.learning.models import LessonPage

    page = first(LessonPage.objects.live(), "lesson")
    block = next(iter(page.body))
    return {"pk": page.pk, "block_id": block.id}


def certificate(owner: Any) -> dict[str, Any]:
    """A certificate the teacher uploaded (an image scan, checked by content)."""
    from accounts.models import TeacherCertificate
    from accounts.services import add_certificate

    found = TeacherCertificate.objects.filter(teacher__user=owner).first()
    if found is None:
        found = add_certificate(owner, title="DELE C2", upload=_png())
    return {"pk": found.pk}


def abroad_booking(owner: Any) -> dict[str, Any]:
    from abroad.models import AbroadBooking

    return {"pk": first(AbroadBooking.objects.filter(learner=owner), "abroad booking").pk}


def vendor_booking(owner: Any) -> dict[str, Any]:
    from abroad.models import AbroadBooking
    from django.db.models import Q

    found = AbroadBooking.objects.filter(Q(course_vendor=owner) | Q(stay_vendor=owner))
    return {"pk": first(found, "vendor's abroad booking").pk}


def vendor_room(owner: Any) -> dict[str, Any]:
    from cms.abroad.models import HomestayRoom

    return {"room": first(HomestayRoom.objects.filter(page__owner=owner), "homestay room").pk}


def vendor_block(owner: Any) -> dict[str, Any]:
    from abroad.models import RoomStay

    return {"pk": first(RoomStay.objects.filter(created_by=owner), "room block").pk}


def abroad_page(model_name: str) -> Finder:
    def find(owner: Any) -> dict[str, Any]:
        from django.apps import apps

        model = apps.get_model("cms_abroad", model_name)
        return {"pk": first(model.objects.live(), model_name).pk}

    return find


def wishlist_item(owner: Any) -> dict[str, Any]:
    from abroad.models import WishlistItem

    found = WishlistItem.objects.filter(user=owner).first()
    if found is None:
        from cms.abroad.models import CoursePage

        found = WishlistItem.objects.create(user=owner, page=first(CoursePage.objects, "course"))
    return {"page": found.page_id}


def analytics_chart(owner: Any) -> dict[str, Any]:
    return {"key": "activity"}


def abroad_review(owner: Any) -> dict[str, Any]:
    from abroad.models import AbroadReview

    return {"pk": first(AbroadReview.objects.all(), "study-abroad review").pk}


def dispute(owner: Any) -> dict[str, Any]:
    from disputes.models import Dispute

    return {"pk": first(Dispute.objects.filter(learner=owner), "dispute").pk}


def lesson_package(owner: Any) -> dict[str, Any]:
    """The owner's (unpaid) package of the demo teacher's lessons."""
    from tutoring.models import LessonPackage
    from tutoring.services.packages import create_package

    found = LessonPackage.objects.filter(learner=owner).first()
    if found is None:
        gig = _demo_gig(packages=True)
        found = create_package(
            learner=owner,
            gig=gig,
            minutes=gig.durations.first().minutes,
            lessons=gig.package_sizes[0],
        )
    return {"pk": found.pk}


def correction_by(owner: Any) -> dict[str, Any]:
    from social.models import Correction

    return {"pk": first(Correction.objects.filter(author=owner), "correction").pk}


def correction_to(owner: Any) -> dict[str, Any]:
    from social.models import Correction

    found = Correction.objects.filter(moment__author=owner)
    return {"pk": first(found, "correction of a moment").pk}


def correct_me_moment(owner: Any) -> dict[str, Any]:
    from social.models import Moment

    return {"pk": first(Moment.objects.filter(author=owner, correct_me=True), "moment").pk}


ANYONE_SIGNED_IN_MAY_POST = frozenset({"GET", "POST", "DELETE"})

# The registry: route (as the URLconf spells it, parameters as {name}) -> entry.
ROUTES: dict[str, Entry] = {
    "abroad/reviews/{pk}/reply/": Owned(HOMESTAY, abroad_review),
    "disputes/{pk}/evidence/": Owned(STUDENT, dispute),
    "lesson-packages/{pk}/": Owned(STUDENT, lesson_package),
    "lesson-packages/{pk}/book/": Owned(STUDENT, lesson_package),
    "lesson-packages/{pk}/pay/": Owned(STUDENT, lesson_package),
    "lesson-packages/{pk}/refund/": Owned(STUDENT, lesson_package),
    "social/corrections/{pk}/": Owned(TEACHER, correction_by),
    "social/corrections/{pk}/accept/": Owned(STUDENT, correction_to),
    "social/media/{pk}/transcript/": Public(moment_media, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    "social/moments/{pk}/corrections/": Public(
        correct_me_moment, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT
    ),
    "social/moments/{pk}/corrections/ai/": Owned(STUDENT, correct_me_moment),
    "social/moments/{pk}/share/": Public(moment, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    # Study abroad
    "abroad/bookings/{pk}/": Owned(STUDENT, abroad_booking),
    "abroad/bookings/{pk}/cancel/": Owned(STUDENT, abroad_booking),
    "abroad/bookings/{pk}/pay/": Owned(STUDENT, abroad_booking),
    "abroad/courses/{pk}/": Public(abroad_page("CoursePage")),
    "abroad/destinations/{pk}/": Public(abroad_page("DestinationPage")),
    "abroad/homestays/{pk}/": Public(abroad_page("HomestayPage")),
    "abroad/homestays/{pk}/availability/": Public(abroad_page("HomestayPage")),
    "abroad/institutes/{pk}/": Public(abroad_page("InstitutePage")),
    "abroad/vendor/blocks/{pk}/": Owned(HOMESTAY, vendor_block),
    "abroad/vendor/bookings/{pk}/": Owned(HOMESTAY, vendor_booking),
    "abroad/vendor/bookings/{pk}/accept/": Owned(HOMESTAY, vendor_booking),
    "abroad/vendor/bookings/{pk}/decline/": Owned(HOMESTAY, vendor_booking),
    "abroad/vendor/rooms/{room}/blocks/": Owned(HOMESTAY, vendor_room),
    "abroad/wishlist/{page}/": NotAnObject(
        "the page is a public listing; DELETE removes it from the caller's own wishlist"
    ),
    "analytics/charts/{key}/": NotAnObject("a chart name; each chart shows the caller's data"),
    "analytics/charts/{key}/csv/": NotAnObject("a chart name; the caller's own data"),
    "progress/students/{student_id}/": Owned(TEACHER, consenting_student),
    "progress/teachers/{teacher_id}/share/": NotAnObject(
        "the teacher the caller shares their own progress with (or stops sharing with)"
    ),
    # Lessons
    "attempts/{pk}/": Owned(STUDENT, exercise_attempt),
    "attempts/{pk}/recording/": Owned(STUDENT, voice_attempt),
    "lessons/{pk}/": Public(lesson),
    "lessons/{pk}/complete/": Public(lesson, frozenset({"POST"})),
    "lessons/{pk}/exercises/{block_id}/attempts/": Public(lesson_exercise, frozenset({"POST"})),
    # People
    "blocks/{user_id}/": NotAnObject("the user the caller blocks or unblocks, on their own list"),
    "users/{user_id}/": NotAnObject("a public profile card, by design readable by anyone"),
    "users/me/certificates/{pk}/file/": Owned(TEACHER, certificate),
    # Tutoring
    "bookings/{pk}/": Owned(STUDENT, tutoring_booking),
    "bookings/{pk}/cancel/": Owned(STUDENT, tutoring_booking),
    "bookings/{pk}/confirm/": Owned(STUDENT, tutoring_booking),
    "bookings/{pk}/dispute/": Owned(STUDENT, tutoring_booking),
    "bookings/{pk}/pay/": Owned(STUDENT, tutoring_booking),
    "bookings/{pk}/reschedule/": Owned(STUDENT, tutoring_booking),
    "bookings/{pk}/review/": Owned(STUDENT, tutoring_booking),
    "time-requests/{pk}/": Owned(STUDENT, time_request),
    "time-requests/{pk}/accept/": Owned(STUDENT, time_request),
    "time-requests/{pk}/decline/": Owned(STUDENT, time_request),
    "time-requests/{pk}/withdraw/": Owned(STUDENT, time_request),
    "teacher/gigs/{pk}/": Owned(TEACHER, teacher_gig),
    "teacher/exceptions/{pk}/": Owned(TEACHER, availability_exception),
    "gig-categories/{pk}/": Public(gig_category),
    "group-sessions/{pk}/": Public(group_session, owner=TEACHER),
    "group-sessions/{pk}/book/": Public(group_session, frozenset({"POST"}), owner=TEACHER),
    "group-sessions/{pk}/cancel/": Owned(TEACHER, group_session),
    "teachers/{id}/": Public(teacher_listing, owner=TEACHER),
    "teachers/{id}/favourite/": Public(teacher_listing, ANYONE_SIGNED_IN_MAY_POST, owner=TEACHER),
    "teachers/{id}/next-slots/": Public(teacher_listing, owner=TEACHER),
    "teachers/{id}/reviews/": Public(teacher_listing, owner=TEACHER),
    "teachers/{id}/slots/": Public(teacher_listing, owner=TEACHER),
    "reviews/{pk}/reply/": Owned(TEACHER, review),
    "sessions/{pk}/gifts/": Owned(STUDENT, session_with_gifts),
    # Messaging
    "conversations/{conversation_id}/": Owned(STUDENT, conversation),
    "conversations/{conversation_id}/messages/": Owned(STUDENT, conversation),
    "conversations/{conversation_id}/messages/{message_id}/": Owned(STUDENT, message),
    "conversations/{conversation_id}/messages/{message_id}/attachment/": Owned(
        STUDENT, message_with_attachment
    ),
    "conversations/{conversation_id}/read/": Owned(STUDENT, conversation),
    # Materials
    "materials/{pk}/": Owned(TEACHER, material),
    "materials/{pk}/download/": Owned(TEACHER, material),
    "materials/{pk}/shares/": Owned(TEACHER, material),
    "materials/{pk}/shares/{learner_id}/": Owned(TEACHER, material_share),
    "material-packs/{pk}/": Public(material_pack, owner=TEACHER),
    "material-packs/{pk}/buy/": Public(material_pack, frozenset({"POST"}), owner=TEACHER),
    "material-packs/{pk}/get/": Public(material_pack, frozenset({"POST"}), owner=TEACHER),
    "material-packs/{pk}/publish/": Owned(TEACHER, material_pack),
    "material-packs/{pk}/unpublish/": Owned(TEACHER, material_pack),
    "material-packs/{pk}/ratings/": Public(material_pack, owner=TEACHER),
    # Notifications and payments
    "notifications/{notification_id}/read/": Owned(STUDENT, notification),
    "devices/{token}/": NotAnObject(
        "DELETE removes the token from the caller's own devices only (idempotent 204)"
    ),
    "payments/{pk}/": Owned(STUDENT, payment),
    "payments/{pk}/demo/confirm/": Owned(STUDENT, payment),
    "payments/{pk}/invoice/": Owned(STUDENT, payment),
    "payments/{pk}/razorpay/confirm/": Owned(STUDENT, payment),
    "payments/subscriptions/{pk}/cancel/": Owned(STUDENT, subscription),
    # Rooms
    "rooms/{room_id}/": Public(room, owner=STUDENT),
    "rooms/{room_id}/attendance/": Public(room, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    # A public voice room's recordings list answers anyone who can see the room, with only the
    # recordings of rooms the caller took part in (rooms.selectors.recordings_for): an empty
    # list for a stranger. Uploading stays the host's.
    "rooms/{room_id}/recordings/": Public(room, owner=STUDENT),
    "rooms/{room_id}/recordings/{recording_id}/file/": NotAnObject(
        "see rooms/{room_id}/recordings/"
    ),
    # Social
    "social/moments/{pk}/": Public(moment, owner=STUDENT),
    "social/moments/{pk}/likes/": Public(moment, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    "social/moments/{pk}/comments/": Public(moment, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    "social/moments/{pk}/bookmark/": Public(moment, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    "social/comments/{pk}/": Public(comment, owner=TEACHER),
    "social/media/{pk}/": Public(moment_media, owner=STUDENT),
    "social/users/{pk}/": Public(user_itself, owner=STUDENT),
    "social/users/{pk}/follow/": Public(user_itself, ANYONE_SIGNED_IN_MAY_POST, owner=STUDENT),
    "social/users/{pk}/followers/": Public(user_itself, owner=STUDENT),
    "social/users/{pk}/following/": Public(user_itself, owner=STUDENT),
    # Translation
    "translate/conversations/{pk}/": Owned(STUDENT, interpreter_session),
    "translate/conversations/{pk}/turns/": Owned(STUDENT, interpreter_session),
    "translate/history/{pk}/": Owned(STUDENT, translation_history),
    "translate/phrasebook/{pk}/": Owned(STUDENT, phrasebook_entry),
    # Voice tutor
    "tutor/avatars/{pk}/": Public(tutor_avatar),
    "tutor/contexts/{pk}/": Public(tutor_context),
    "tutor/sessions/{pk}/": Owned(STUDENT, tutor_session),
    "tutor/sessions/{pk}/end/": Owned(STUDENT, tutor_session),
    "tutor/sessions/{pk}/turns/": Owned(STUDENT, tutor_session),
    "tutor/sessions/{session_id}/recordings/{seq}/": Owned(STUDENT, tutor_recording),
    # Vocabulary
    "vocabulary/words/{pk}/": Owned(STUDENT, word),
    "vocabulary/words/{pk}/audio/": Owned(STUDENT, word),
}


# --- The URLconf, walked -----------------------------------------------------------------------

_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _normalise(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = _REGEX_GROUP.sub(lambda m: "{" + m.group(1) + "}", route)
    return _CONVERTER.sub(lambda m: "{" + m.group(1) + "}", route)


def _methods(callback: Any) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted({m for m in actions if m in METHODS})
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ["get"]
    return [m for m in METHODS if hasattr(view_class, m)]


def object_routes() -> Iterator[tuple[str, list[str]]]:
    """(route without the /api/v1/ prefix, methods) for every API route with a parameter."""
    seen: dict[str, set[str]] = {}

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    for raw, callback in walk(get_resolver().url_patterns, ""):
        route = _normalise(raw)
        if not route.startswith(API_PREFIX) or "{format}" in route or "{" not in route:
            continue
        seen.setdefault(route.removeprefix(API_PREFIX), set()).update(_methods(callback))
    for route, methods in sorted(seen.items()):
        yield route, sorted(methods)


def test_every_object_route_is_registered() -> None:
    routes = dict(object_routes())
    missing = sorted(set(routes) - set(ROUTES))
    assert not missing, (
        "These API routes take an object id but the cross-user authorization matrix does not "
        "know how to make their object: add each to ROUTES in "
        "tests/api/test_cross_user_authorization.py (Owned(owner, finder), Public(...) or "
        "NotAnObject(reason)):\n" + "\n".join(f'    "{route}": ...,' for route in missing)
    )
    gone = sorted(set(ROUTES) - set(routes))
    assert not gone, f"ROUTES lists routes the URLconf no longer has: {gone}"


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo_data", verbosity=0)


def _path(route: str, kwargs: dict[str, Any]) -> str:
    return "/" + API_PREFIX + route.format(**{k: str(v) for k, v in kwargs.items()})


def _send(client: APIClient, method: str, path: str) -> int:
    if method == "get":
        return int(client.get(path).status_code)
    return int(getattr(client, method)(path, {}, format="json").status_code)


def test_private_objects_answer_only_their_owner(
    demo: None, role_user: Any, settings: Any, ml_service_url: str
) -> None:
    # A word's audio is spoken by the real ML service (text to speech) on its first play.
    settings.ML_URL = ml_service_url
    intruder = role_user(Role.TEACHER, Role.STUDENT, email="intruder@example.com")
    as_intruder, anonymous = APIClient(), APIClient()
    as_intruder.force_login(intruder)
    problems: list[str] = []  # an owner who cannot read, a finder that found nothing
    leaks: list[str] = []  # another user or anonymous got a 2xx
    checked = 0
    for route, methods in object_routes():
        entry = ROUTES.get(route)
        if entry is None or isinstance(entry, NotAnObject):
            continue
        owner_email = entry.owner
        owner = _user(owner_email) if owner_email else None
        try:
            with transaction.atomic():
                path = _path(route, entry.find(owner))
        except Exception as missing:  # a finder that cannot find or make its object
            problems.append(f"{route}: {type(missing).__name__}: {missing}".splitlines()[0])
            continue
        others_may = entry.anyone_may if isinstance(entry, Public) else frozenset()
        for method in methods:
            if method.upper() in others_may:
                continue
            for who, client in (("another user", as_intruder), ("anonymous", anonymous)):
                status = _send(client, method, path)
                checked += 1
                if 200 <= status < 300:
                    leaks.append(f"{method.upper()} {path} ({route}) as {who}: {status}")
        if owner is not None and "get" in methods and isinstance(entry, Owned):
            as_owner = APIClient()
            as_owner.force_login(owner)
            status = _send(as_owner, "get", path)
            if not 200 <= status < 300:
                problems.append(f"GET {path} ({route}) as its owner {owner_email}: {status}")
    assert not leaks, "Cross-user access:\n" + "\n".join(leaks)
    assert not problems, "Owner reads that failed:\n" + "\n".join(problems)
    assert checked > 100
