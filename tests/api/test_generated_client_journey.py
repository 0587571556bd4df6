"""Native clients generated from the committed schemas (openapi-python-client, a standard
generator) drive a learner's journey against the live test server: sign up and verify by code
through a client generated from allauth headless's committed specification
(docs/api/auth-openapi.yaml), then only typed calls of the /api/v1 client: the profile, a lesson,
its completion, a translation, the phrasebook with an idempotent replay, a word saved and its
flashcard reviewed (with the offline client's idempotent replay), a teacher found, a slot held
and paid with the demo card, the booking confirmed, notifications and the Web Push key. A
response that does not match the schema fails to parse in the generated models."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "api" / "openapi.yaml"
AUTH_SCHEMA = ROOT / "docs" / "api" / "auth-openapi.yaml"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# Time zones include GMT0 and GMT+0, one Python name: literal enums keep the values as strings.
CONFIG = "literal_enums: true\npackage_name_override: {package}\n"
PASSWORD = "Gr33n-tea-at-noon"


def _import_unset_where_used(package: Path) -> None:
    """openapi-python-client 0.29 types a body offered in several content types (JSON, form,
    multipart: what DRF's parsers declare) as ``… | Unset`` but imports ``Unset`` only when
    the operation also has an optional parameter; such a module fails to import. A client
    author applies the same one-line fix; it changes nothing the schema says."""
    for module in (package / "api").rglob("*.py"):
        text = module.read_text()
        if "| Unset" in text and not re.search(r"^from \.\.\.types import .*\bUnset\b", text, re.M):
            module.write_text("from ...types import Unset\n" + text)


def _generated(schema: Path, package: str, folder: Path) -> Iterator[Any]:
    if not GENERATOR.exists():
        pytest.fail("openapi-python-client is missing: make install-test installs it")
    (folder / "config.yaml").write_text(CONFIG.format(package=package))
    generated = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--meta", "none",
         "--config", str(folder / "config.yaml"), "--output-path", str(folder / package)],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    _import_unset_where_used(folder / package)
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == package or n.startswith(f"{package}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def toto_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from _generated(SCHEMA, "toto_client", tmp_path_factory.mktemp("client"))


@pytest.fixture(scope="module")
def auth_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from _generated(AUTH_SCHEMA, "allauth_client", tmp_path_factory.mktemp("auth"))


@pytest.fixture
def emails(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """allauth's emails, sent at once (no Celery worker in this test)."""
    from django.core import mail

    from accounts.tasks import send_email_message

    monkeypatch.setattr(
        send_email_message, "delay", lambda **kwargs: send_email_message.apply(kwargs=kwargs)
    )
    mail.outbox = []
    return mail.outbox


@pytest.mark.django_db(transaction=True)
def test_a_learner_journey_through_the_generated_client(
    toto_client: Any,
    auth_client: Any,
    live_server: Any,
    emails: list[Any],
    make_lesson: Any,
    make_listing: Any,
    make_gig: Any,
    give_credits: Any,
    ml_service_url: str,
    settings: Any,
) -> None:
    from accounts.testing import code_in

    settings.ML_URL = ml_service_url
    settings.ML_API_KEY = ""
    settings.PAYMENTS_DEMO_ENABLED = True
    lesson = make_lesson("Greetings", description="Say hello")
    listing = make_listing()  # verified, open 09:00-17:00 UTC every day, teaches Spanish
    gig = make_gig(listing, durations={30: "15.00", 60: "30.00"})
    api = importlib.import_module

    # Sign up and verify (allauth headless app API, typed by its committed specification).
    accounts = auth_client.Client(base_url=live_server.url, timeout=30)
    signup = api("allauth_client.models.signup")
    signed_up = api("allauth_client.api.authentication_account.post_api_auth_client_v1_auth_signup")
    answer = signed_up.sync_detailed(
        "app",
        client=accounts,
        body=signup.Signup(email="nia@example.com", password=PASSWORD, role="student",
                           full_name="Nia Learner"),
    )  # fmt: skip
    # Signed in at once (200, AuthenticatedResponse: e-mail verification is not mandatory) or
    # the e-mail still to verify first (401, AuthenticationResponse): a token either way.
    assert answer.status_code in (200, 401), answer.content
    token = answer.parsed.meta.access_token
    assert isinstance(token, str) and token, answer.content
    verify = api("allauth_client.models.verify_email")
    verified = api(
        "allauth_client.api.authentication_account.post_api_auth_client_v1_auth_email_verify"
    ).sync_detailed(
        "app",
        client=auth_client.AuthenticatedClient(base_url=live_server.url, token=token, timeout=30),
        body=verify.VerifyEmail(key=code_in(emails[-1])),
    )
    assert verified.status_code == 200, verified.content
    assert verified.parsed.data.user.email == "nia@example.com", verified.content
    if isinstance(verified.parsed.meta.access_token, str):
        token = verified.parsed.meta.access_token

    from django.contrib.auth import get_user_model

    give_credits(get_user_model().objects.get(email="nia@example.com"), 5)  # translation is metered
    client = toto_client.AuthenticatedClient(base_url=live_server.url, token=token, timeout=60)
    me = api("toto_client.api.users.users_me_retrieve").sync(client=client)
    assert me.email == "nia@example.com" and me.email_verified is True

    listed = api("toto_client.api.lessons.lessons_list").sync_detailed(client=client)
    assert listed.status_code == 200, listed.content
    assert [item.title for item in listed.parsed.results] == ["Greetings"]
    detail = api("toto_client.api.lessons.lessons_retrieve").sync(client=client, id=lesson.pk)
    assert detail.title == "Greetings"
    completed = api("toto_client.api.lessons.lessons_complete_create").sync_detailed(
        client=client, id=lesson.pk
    )
    assert completed.status_code in (200, 201), completed.content

    text_request = api("toto_client.models.text_translation_request_request")
    translated = api("toto_client.api.translate.translate_text_create").sync_detailed(
        client=client,
        body=text_request.TextTranslationRequestRequest(
            text="We visited the museum yesterday.", target="es", source="en"
        ),
    )
    assert translated.status_code == 200, translated.content
    assert "museo" in translated.parsed.translated_text

    entry = api("toto_client.models.phrasebook_entry_request").PhrasebookEntryRequest(
        source_language="en", target_language="es", source_text="Good night",
        translated_text="Buenas noches", tags=["basics"],
    )  # fmt: skip
    create = api("toto_client.api.translate.translate_phrasebook_create")
    first = create.sync_detailed(client=client, body=entry, idempotency_key="journey-1")
    again = create.sync_detailed(client=client, body=entry, idempotency_key="journey-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.parsed.id == again.parsed.id
    phrasebook = api("toto_client.api.translate.translate_phrasebook_list").sync(client=client)
    assert phrasebook.count == 1 and phrasebook.results[0].tags == ["basics"]

    # A word into the word bank, then today's flashcards: answered once, replayed once (an
    # offline client resending after a lost answer), counted once.
    word = api("toto_client.api.vocabulary.vocabulary_words_create").sync_detailed(
        client=client,
        body=api("toto_client.models.word_request").WordRequest(
            language="es", text="buenas noches", translation="good night"
        ),
    )
    assert word.status_code == 201, word.content
    due = api("toto_client.api.reviews.reviews_due_list").sync(client=client)
    assert [card.word.text for card in due.results] == ["buenas noches"]
    card = due.results[0]
    assert card.is_new is True and card.id == word.parsed.card.id
    answer = api("toto_client.models.review_request_request").ReviewRequestRequest(
        card=card.id,
        rating=3,
        reviewed_at=datetime.now(tz=UTC) - timedelta(seconds=5),
        idempotency_key="journey-review-1",
        duration_ms=2400,
    )
    review = api("toto_client.api.reviews.reviews_create")
    first_review = review.sync_detailed(client=client, body=answer)
    replayed_review = review.sync_detailed(client=client, body=answer)
    assert (first_review.status_code, replayed_review.status_code) == (201, 200)
    assert (first_review.parsed.replayed, replayed_review.parsed.replayed) == (False, True)
    assert first_review.parsed.due > datetime.now(tz=UTC) - timedelta(minutes=1)
    from vocabulary.models import ReviewLog

    assert ReviewLog.objects.filter(card_id=card.id).count() == 1
    after = api("toto_client.api.reviews.reviews_due_list").sync(client=client)
    assert card.id not in [c.id for c in after.results if not c.is_new]

    # Find a teacher, pick one of their next free slots, hold it, pay with the demo card.
    teachers = api("toto_client.api.teachers.teachers_list").sync(client=client, language="es")
    assert [t.id for t in teachers.results] == [listing.pk]
    teacher = teachers.results[0]
    assert [g.id for g in teacher.gigs] == [gig.pk]
    slots = api("toto_client.api.teachers.teachers_next_slots_retrieve").sync(
        client=client, id=teacher.id, gig=gig.pk, duration=30, tz="Europe/Madrid"
    )
    assert slots.time_zone == "Europe/Madrid" and slots.slots, slots
    booking_body = api("toto_client.models.booking_create_request").BookingCreateRequest(
        gig=gig.pk, start=slots.slots[0].start, duration=30
    )
    held = api("toto_client.api.bookings.bookings_create").sync_detailed(
        client=client, body=booking_body
    )
    assert held.status_code == 201, held.content
    assert held.parsed.status == "held" and held.parsed.start == slots.slots[0].start
    pay_body = api("toto_client.models.pay_request").PayRequest(provider="demo")
    checkout = api("toto_client.api.bookings.bookings_pay_create").sync_detailed(
        client=client, id=held.parsed.id, body=pay_body
    )
    assert checkout.status_code == 200, checkout.content
    assert (checkout.parsed.provider, checkout.parsed.demo) == ("demo", True)
    assert checkout.parsed.test_cards and checkout.parsed.amount == 1500, checkout.content
    payment_id = checkout.parsed.payment_id
    confirm = api("toto_client.models.demo_confirm_request").DemoConfirmRequest(
        card="4242 4242 4242 4242", expiry="12/99", cvc="123"
    )
    paid = api("toto_client.api.payments.payments_demo_confirm_create").sync_detailed(
        client=client, id=payment_id, body=confirm
    )
    assert paid.status_code == 200, paid.content
    assert paid.parsed.status == "succeeded", paid.parsed
    booking = api("toto_client.api.bookings.bookings_retrieve").sync(
        client=client, id=held.parsed.id
    )
    assert booking.status == "confirmed" and booking.gig == gig.pk
    mine = api("toto_client.api.bookings.bookings_list").sync(client=client)
    assert [b.id for b in mine.results] == [held.parsed.id]

    notifications = api("toto_client.api.notifications.notifications_list").sync(client=client)
    assert notifications.count >= 0
    push = api("toto_client.api.notifications.notifications_web_push_retrieve").sync(client=client)
    assert push.subscribed == 0
