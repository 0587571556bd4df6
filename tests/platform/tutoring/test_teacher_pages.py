"""The teacher's website (tutoring.views.teach): onboarding, gigs, hours, requests, earnings.

Each form is driven through the test client as a browser would post it: valid input lands
through the API's services, invalid input comes back with the error next to its field, a
learner is refused, and one teacher never reaches another's gig, exception or request."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import TeacherCertificate, TeacherProfile
from accounts.roles import Role
from tutoring.models import (
    AvailabilityException,
    BookingStatus,
    Gig,
    ListingStatus,
    TeacherListing,
    TimeRequest,
    TimeRequestStatus,
)

pytestmark = pytest.mark.django_db

TEACH = "/tutoring/teach/"
PAGES = [
    TEACH + "onboarding/profile/",
    TEACH + "onboarding/status/",
    TEACH + "gigs/",
    TEACH + "gigs/new/",
    TEACH + "hours/",
    TEACH + "requests/",
    TEACH + "earnings/",
]


def _jpeg() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (400, 400), (200, 80, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def new_teacher(role_user):  # type: ignore[no-untyped-def]
    return role_user(Role.TEACHER, email="nora@example.com", first_name="Nora", last_name="New")


@pytest.fixture
def teacher_client(client, new_teacher):  # type: ignore[no-untyped-def]
    client.force_login(new_teacher)
    return client


@pytest.fixture
def listed(make_listing, teacher):  # type: ignore[no-untyped-def]
    return make_listing(teacher)


def _gig_post(**overrides: str) -> dict[str, str]:
    data = {
        "category": "language-tutor",
        "title": "Conversational Spanish",
        "language": "es",
        "about": "We talk about your day, in Spanish.",
        "experience": "Ten years in Seville.",
        "education": "MA in Hispanic philology",
        "certificates": "DELE examiner",
        "currency": "EUR",
        "pricing_mode": "per_duration",
        "duration_1_minutes": "30",
        "duration_1_price": "15.00",
        "duration_2_minutes": "60",
        "duration_2_price": "25.00",
        "trial_minutes": "20",
        "trial_price": "5.00",
        "package_sizes": "5, 10",
        "package_discount_percent": "10",
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Who gets in ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_learners_are_refused_and_visitors_sent_to_sign_in(client, student, path: str) -> None:
    assert client.get(path).status_code == 302
    assert "/accounts/login/" in client.get(path)["Location"]
    client.force_login(student)
    assert client.get(path).status_code == 403


def test_a_learner_opening_the_teacher_dashboard_is_sent_to_their_own(client, student) -> None:
    client.force_login(student)
    response = client.get(TEACH)
    assert response.status_code == 302
    assert response["Location"] == "/tutoring/dashboard/"


def test_a_new_teacher_lands_on_a_checklist_not_a_dead_end(teacher_client) -> None:
    response = teacher_client.get(TEACH)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="checklist"' in body
    assert 'href="/tutoring/teach/onboarding/"' in body
    # Resuming the wizard starts at its first step.
    assert teacher_client.get(TEACH + "onboarding/")["Location"] == TEACH + "onboarding/profile/"
    # The later steps need the profile first.
    assert teacher_client.get(TEACH + "gigs/")["Location"] == TEACH + "onboarding/profile/"


# --- Onboarding ----------------------------------------------------------------------------


def test_profile_step_shows_field_errors_then_creates_the_listing(
    teacher_client, new_teacher
) -> None:
    response = teacher_client.post(
        TEACH + "onboarding/profile/", {"headline": "", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["headline"]
    assert form.errors["time_zone"]
    assert not TeacherListing.objects.filter(user=new_teacher).exists()

    response = teacher_client.post(
        TEACH + "onboarding/profile/",
        {"headline": "Spanish from Seville", "about": "Patient.", "time_zone": "Europe/Madrid"},
    )
    assert response["Location"] == TEACH + "onboarding/media/"
    listing = TeacherListing.objects.get(user=new_teacher)
    assert (listing.headline, listing.about, listing.time_zone) == (
        "Spanish from Seville",
        "Patient.",
        "Europe/Madrid",
    )
    assert listing.status == ListingStatus.DRAFT


def test_media_step_saves_the_photo_and_video_and_refuses_a_fake_image(
    teacher_client, new_teacher, make_listing
) -> None:
    make_listing(new_teacher, status=ListingStatus.DRAFT)
    fake = SimpleUploadedFile("x.jpg", b"<?php not an image", content_type="image/jpeg")
    response = teacher_client.post(
        TEACH + "onboarding/media/", {"avatar": fake, "intro_video_url": "not a url at all"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"avatar", "intro_video_url"}

    response = teacher_client.post(
        TEACH + "onboarding/media/",
        {"avatar": _jpeg(), "intro_video_url": "https://video.example/nora"},
    )
    assert response["Location"] == TEACH + "onboarding/languages/"
    new_teacher.profile.refresh_from_db()
    assert new_teacher.profile.avatar_medium.name.endswith(".webp")
    assert TeacherListing.objects.get(user=new_teacher).intro_video_url == (
        "https://video.example/nora"
    )


def _languages(*rows: tuple[str, bool, str, str]) -> dict[str, str]:
    data = {
        "lang-TOTAL_FORMS": str(len(rows)),
        "lang-INITIAL_FORMS": "0",
        "lang-MIN_NUM_FORMS": "0",
        "lang-MAX_NUM_FORMS": "12",
    }
    for index, (language, native, low, high) in enumerate(rows):
        data |= {
            f"lang-{index}-language": language,
            f"lang-{index}-min_level": low,
            f"lang-{index}-max_level": high,
        }
        if native:
            data[f"lang-{index}-native"] = "on"
    return data


def test_languages_step_checks_levels_and_duplicates_like_the_api(
    teacher_client, new_teacher, make_listing
) -> None:
    listing = make_listing(new_teacher, status=ListingStatus.DRAFT, languages=[])
    url = TEACH + "onboarding/languages/"
    response = teacher_client.post(url, _languages(("es", True, "C1", "A2")))
    assert response.status_code == 200
    assert "below the minimum level" in str(response.context["formset"].forms[0].errors)
    response = teacher_client.post(
        url, _languages(("es", True, "A1", "C2"), ("es", False, "A1", "B1"))
    )
    assert "Listed twice: es." in response.content.decode()
    response = teacher_client.post(url, _languages(("", False, "A1", "C2")))
    assert "Add at least one language you teach." in response.content.decode()
    assert not listing.languages.exists()

    response = teacher_client.post(
        url, _languages(("es", True, "A1", "C2"), ("en", False, "A2", "B2"))
    )
    assert response["Location"] == TEACH + "onboarding/qualifications/"
    assert sorted(
        listing.languages.values_list("language", "native", "min_level", "max_level")
    ) == [
        ("en", False, "A2", "B2"),
        ("es", True, "A1", "C2"),
    ]


def test_qualifications_step_saves_them_and_uploads_certificates_checked_by_content(
    teacher_client, new_teacher, make_listing
) -> None:
    make_listing(new_teacher, status=ListingStatus.DRAFT)
    url = TEACH + "onboarding/qualifications/"
    response = teacher_client.post(
        url, {"form": "qualifications", "qualification": "MA", "years_of_experience": "99"}
    )
    assert response.context["form"].errors["years_of_experience"]
    response = teacher_client.post(
        url, {"form": "qualifications", "qualification": "MA", "years_of_experience": "7"}
    )
    assert response["Location"] == TEACH + "onboarding/status/"
    teacher = TeacherProfile.objects.get(user=new_teacher)
    assert (teacher.qualification, teacher.years_of_experience) == ("MA", 7)

    fake = SimpleUploadedFile(
        "dele.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"
    )
    response = teacher_client.post(url, {"form": "certificate", "title": "DELE", "file": fake})
    assert "PDF, JPEG or PNG" in str(response.context["certificate_form"].errors["file"])
    pdf = SimpleUploadedFile(
        "dele.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf"
    )
    response = teacher_client.post(url, {"form": "certificate", "title": "DELE C2", "file": pdf})
    assert response["Location"] == url
    certificate = TeacherCertificate.objects.get(teacher__user=new_teacher)
    assert (certificate.title, certificate.status) == ("DELE C2", "pending")
    assert "DELE C2" in teacher_client.get(url).content.decode()


def test_status_step_submits_for_verification_and_shows_the_rejection_reason(
    teacher_client, new_teacher, make_listing, admin_user
) -> None:
    from tutoring.services import teachers

    listing = make_listing(new_teacher, status=ListingStatus.DRAFT, languages=[])
    url = TEACH + "onboarding/status/"
    response = teacher_client.post(url, follow=True)
    assert "Add the languages you teach" in response.content.decode()
    assert TeacherListing.objects.get(pk=listing.pk).status == ListingStatus.DRAFT

    listing.languages.create(language="es")
    teacher_client.post(url)
    assert TeacherListing.objects.get(pk=listing.pk).status == ListingStatus.PENDING
    assert "A moderator is checking your profile" in teacher_client.get(url).content.decode()

    teachers.reject(listing, by=admin_user, reason="Your photo does not show your face.")
    page = teacher_client.get(url).content.decode()
    assert "Your photo does not show your face." in page
    dashboard = teacher_client.get(TEACH).content.decode()
    assert "Your photo does not show your face." in dashboard
    teacher_client.post(url)
    teachers.approve(listing, by=admin_user)
    assert "You are verified" in teacher_client.get(url).content.decode()


# --- Gigs ----------------------------------------------------------------------------------


def test_a_gig_is_created_with_everything_the_api_supports(client, teacher, listed) -> None:
    client.force_login(teacher)
    response = client.post(TEACH + "gigs/new/", _gig_post())
    assert response["Location"] == TEACH + "gigs/"
    gig = Gig.objects.get(listing=listed, title="Conversational Spanish")
    assert [(d.minutes, d.price) for d in gig.durations.all()] == [
        (30, Decimal("15.00")),
        (60, Decimal("25.00")),
    ]
    assert (gig.trial_minutes, gig.trial_price, gig.package_sizes) == (20, Decimal("5.00"), [5, 10])
    assert (gig.education, gig.certificates, gig.package_discount_percent) == (
        "MA in Hispanic philology",
        "DELE examiner",
        10,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {
                "duration_1_minutes": "",
                "duration_1_price": "",
                "duration_2_minutes": "",
                "duration_2_price": "",
            },
            None,
            "Offer at least one lesson length.",
        ),
        (
            {"trial_price": ""},
            "trial_price",
            "A trial lesson needs both its minutes and its price.",
        ),
        ({"language": ""}, "language", "Say which language this gig teaches."),
        ({"pricing_mode": "per_minute"}, "price_per_minute", "A per-minute gig needs its rate."),
        ({"package_sizes": "5, five"}, "package_sizes", "Whole numbers separated by commas"),
        ({"duration_1_price": "-3"}, None, "greater than or equal to 0"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_gig_errors_are_shown_next_to_their_fields(
    client, teacher, listed, overrides, field, message
) -> None:
    client.force_login(teacher)
    response = client.post(TEACH + "gigs/new/", _gig_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field if field else "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert not Gig.objects.filter(listing=listed).exists()


def test_gigs_are_edited_and_archived_only_by_their_teacher(
    client, teacher, listed, make_gig, make_listing, paid_booking
) -> None:
    mine = make_gig(listed, title="Old title")
    other = make_gig(make_listing(), title="Someone else's")
    client.force_login(teacher)
    assert client.get(f"{TEACH}gigs/{other.pk}/").status_code == 404
    assert client.post(f"{TEACH}gigs/{other.pk}/", _gig_post()).status_code == 404
    assert client.post(f"{TEACH}gigs/{other.pk}/archive/").status_code == 404
    assert Gig.objects.get(pk=other.pk).title == "Someone else's"

    page = client.get(f"{TEACH}gigs/{mine.pk}/")
    assert page.context["form"].initial["title"] == "Old title"
    client.post(f"{TEACH}gigs/{mine.pk}/", _gig_post(title="New title"))
    assert Gig.objects.get(pk=mine.pk).title == "New title"

    # A booked gig is archived (its lessons keep pointing at it); an unbooked one deleted.
    booked = make_gig(listed, title="Booked")
    paid_booking(
        timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=2),
        gig=booked,
        listing=listed,
    )
    client.force_login(teacher)
    client.post(f"{TEACH}gigs/{booked.pk}/archive/")
    assert Gig.objects.get(pk=booked.pk).is_active is False
    client.post(f"{TEACH}gigs/{mine.pk}/archive/")
    assert not Gig.objects.filter(pk=mine.pk).exists()


def test_the_gig_list_costs_a_fixed_number_of_queries(
    client, teacher, listed, make_gig, assert_num_queries
) -> None:
    client.force_login(teacher)
    make_gig(listed, title="One")
    client.get(TEACH + "gigs/")  # warm the session and the content types
    with assert_num_queries(14) as first:
        client.get(TEACH + "gigs/")
    for n in range(5):
        make_gig(listed, title=f"More {n}", durations={30: "10", 60: "18"})
    with assert_num_queries(len(first.captured_queries)):
        response = client.get(TEACH + "gigs/")
    assert response.content.decode().count('<li class="card') == 6


# --- Hours ---------------------------------------------------------------------------------


def test_the_week_is_replaced_at_once_in_the_teaching_zone(client, teacher, make_listing) -> None:
    listing = make_listing(teacher, time_zone="Asia/Tokyo", hours=[])
    client.force_login(teacher)
    page = client.get(TEACH + "hours/").content.decode()
    assert "Asia/Tokyo" in page
    response = client.post(
        TEACH + "hours/",
        {
            "action": "week",
            "start-0": ["09:00", "14:00"],
            "end-0": ["12:00", "18:00"],
            "start-2": "10:00",
            "end-2": "11:00",
        },
    )
    assert response["Location"] == TEACH + "hours/"
    assert [
        (h.weekday, f"{h.start_time:%H:%M}", f"{h.end_time:%H:%M}")
        for h in listing.weekly_hours.all()
    ] == [(0, "09:00", "12:00"), (0, "14:00", "18:00"), (2, "10:00", "11:00")]
    # A later save replaces the whole week.
    client.post(TEACH + "hours/", {"action": "week", "start-4": "08:00", "end-4": "09:00"})
    assert list(listing.weekly_hours.values_list("weekday", flat=True)) == [4]


def test_overlapping_or_backwards_hours_are_refused_with_the_day_named(
    client, teacher, make_listing
) -> None:
    listing = make_listing(teacher, hours=[])
    client.force_login(teacher)
    response = client.post(
        TEACH + "hours/",
        {"action": "week", "start-1": ["09:00", "11:00"], "end-1": ["12:00", "13:00"]},
    )
    assert response.status_code == 200
    assert "Tuesday: 11:00 starts before 12:00 ends." in response.content.decode()
    response = client.post(
        TEACH + "hours/", {"action": "week", "start-3": "15:00", "end-3": "10:00"}
    )
    assert "Thursday: 10:00 is not after 15:00." in response.content.decode()
    response = client.post(TEACH + "hours/", {"action": "week", "start-3": "15:00", "end-3": ""})
    assert "Thursday: give both a start and an end time." in response.content.decode()
    assert not listing.weekly_hours.exists()


def test_slots_are_added_and_removed_without_javascript(client, teacher, make_listing) -> None:
    make_listing(teacher, hours=[])
    client.force_login(teacher)
    typed = {"start-0": ["09:00", "13:00"], "end-0": ["10:00", "14:00"]}
    added = client.post(TEACH + "hours/", {"action": "add-0", **typed})
    monday = next(d for d in added.context["days"] if d["day"].value == 0)
    assert monday["rows"] == [("09:00", "10:00"), ("13:00", "14:00"), ("", ""), ("", "")]
    removed = client.post(TEACH + "hours/", {"action": "remove-0-0", **typed})
    monday = next(d for d in removed.context["days"] if d["day"].value == 0)
    assert monday["rows"] == [("13:00", "14:00"), ("", "")]


def test_booking_rules_are_saved_or_shown_with_field_errors(client, teacher, listed) -> None:
    client.force_login(teacher)
    rules = {
        "action": "rules",
        "buffer_before_minutes": "5",
        "buffer_after_minutes": "15",
        "minimum_notice_minutes": "1440",
        "booking_horizon_days": "30",
        "slot_step_minutes": "15",
    }
    response = client.post(
        TEACH + "hours/", {**rules, "booking_horizon_days": "0", "buffer_after_minutes": "-1"}
    )
    assert response.context["rules"].errors.keys() == {
        "booking_horizon_days",
        "buffer_after_minutes",
    }
    client.post(TEACH + "hours/", rules)
    listed.refresh_from_db()
    assert (
        listed.buffer_before_minutes,
        listed.buffer_after_minutes,
        listed.minimum_notice_minutes,
        listed.booking_horizon_days,
        listed.slot_step_minutes,
    ) == (5, 15, 1440, 30, 15)


def test_exceptions_are_entered_in_local_time_and_removed_only_by_their_teacher(
    client, teacher, make_listing
) -> None:
    listing = make_listing(teacher, time_zone="Europe/Madrid")
    other = AvailabilityException.objects.create(
        listing=make_listing(),
        kind="time_off",
        start=timezone.now(),
        end=timezone.now() + timedelta(days=400),
    )
    client.force_login(teacher)
    bad = client.post(
        TEACH + "hours/",
        {
            "action": "exception",
            "kind": "time_off",
            "start": "2030-07-01T12:00",
            "end": "2030-07-01T09:00",
        },
    )
    assert bad.context["exception_form"].errors["end"] == ["Must be after the start."]
    client.post(
        TEACH + "hours/",
        {
            "action": "exception",
            "kind": "time_off",
            "start": "2030-07-01T09:00",
            "end": "2030-07-02T09:00",
            "note": "Dentist",
        },
    )
    exception = AvailabilityException.objects.get(listing=listing)
    assert exception.start.isoformat() == "2030-07-01T07:00:00+00:00"  # 09:00 in Madrid, summer
    assert "Dentist" in client.get(TEACH + "hours/").content.decode()
    assert client.post(f"{TEACH}hours/exceptions/{other.pk}/remove/").status_code == 404
    client.post(f"{TEACH}hours/exceptions/{exception.pk}/remove/")
    assert not AvailabilityException.objects.filter(pk=exception.pk).exists()
    assert AvailabilityException.objects.filter(pk=other.pk).exists()


# --- Requests ------------------------------------------------------------------------------


def _tomorrow_at(hour: int):  # type: ignore[no-untyped-def]
    return (timezone.now() + timedelta(days=1)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def asked(listed, make_gig, student):  # type: ignore[no-untyped-def]
    from tutoring.services import time_requests

    gig = make_gig(listed)

    def ask(hour: int, learner=None):  # type: ignore[no-untyped-def]
        return time_requests.request_time(
            learner=learner or student,
            gig=gig,
            start=_tomorrow_at(hour),
            minutes=60,
            message="Before work?",
        )

    ask.gig = gig  # type: ignore[attr-defined]
    return ask


def test_a_request_is_accepted_into_a_held_booking(client, teacher, asked, student) -> None:
    time_request = asked(6)
    client.force_login(teacher)
    page = client.get(TEACH + "requests/").content.decode()
    assert "Before work?" in page and "Sam Student" in page
    response = client.post(f"{TEACH}requests/{time_request.pk}/accept/", follow=True)
    assert "Accepted: Sam Student has the time held" in response.content.decode()
    time_request.refresh_from_db()
    assert time_request.status == TimeRequestStatus.ACCEPTED
    assert time_request.booking.status == BookingStatus.HELD
    assert time_request.booking.learner == student


def test_accepting_a_taken_time_says_so_and_keeps_the_request(
    client, teacher, asked, other_student
) -> None:
    from tutoring.services.bookings import hold_booking

    time_request = asked(10)
    hold_booking(learner=other_student, gig=asked.gig, start=_tomorrow_at(10), minutes=60)
    client.force_login(teacher)
    response = client.post(f"{TEACH}requests/{time_request.pk}/accept/", follow=True)
    assert "That time is no longer free" in response.content.decode()
    assert TimeRequest.objects.get(pk=time_request.pk).status == TimeRequestStatus.PENDING


def test_a_request_is_declined_with_a_reason_and_only_by_its_teacher(
    client, teacher, asked, make_listing, role_user
) -> None:
    time_request = asked(7)
    stranger = role_user(Role.TEACHER)
    make_listing(stranger)
    client.force_login(stranger)
    assert (
        client.post(f"{TEACH}requests/{time_request.pk}/decline/", {"note": "x"}).status_code == 404
    )
    assert client.post(f"{TEACH}requests/{time_request.pk}/accept/").status_code == 404
    client.force_login(teacher)
    client.post(f"{TEACH}requests/{time_request.pk}/decline/", {"note": "I sleep then."})
    time_request.refresh_from_db()
    assert (time_request.status, time_request.decline_reason) == (
        TimeRequestStatus.DECLINED,
        "I sleep then.",
    )
    assert "I sleep then." in client.get(TEACH + "requests/").content.decode()


def test_the_requests_page_costs_a_fixed_number_of_queries(
    client, teacher, asked, role_user, assert_num_queries
) -> None:
    client.force_login(teacher)
    asked(6)
    client.get(TEACH + "requests/")
    with assert_num_queries(15) as first:
        client.get(TEACH + "requests/")
    for hour in (7, 8, 9):
        asked(hour, learner=role_user(Role.STUDENT))
    with assert_num_queries(len(first.captured_queries)):
        response = client.get(TEACH + "requests/")
    assert response.content.decode().count('data-testid="request-') == 4


# --- Earnings and payouts ------------------------------------------------------------------


@pytest.fixture
def earned(teacher):  # type: ignore[no-untyped-def]
    from payouts.services import accrue_earning

    # 100 EUR gross at the default 20 % commission: 80 EUR payable.
    accrue_earning(
        teacher, gross=Decimal("100"), currency="EUR", role=Role.TEACHER, idempotency_key="lesson-1"
    )
    return teacher


def test_payouts_need_bank_details_and_stay_within_the_payable(client, earned, listed) -> None:
    from payouts.models import PayeeProfile, PayoutRequest

    client.force_login(earned)
    page = client.get(TEACH + "earnings/")
    assert page.context["earnings"][0]["available"] == Decimal("80.00")
    key = page.context["payout_form"].initial["key"]
    payout = {"action": "payout", "amount": "50", "currency": "EUR", "key": key}
    response = client.post(TEACH + "earnings/", payout)
    assert "Add your bank details first" in str(response.context["payout_form"].non_field_errors())

    # The earnings page links the payout method page, where the account is added.
    assert 'href="/payouts/method/"' in page.content.decode()
    account = {
        "action": "bank",
        "account_holder": "Tomás Teacher",
        "bank_name": "CaixaBank",
        "bank_country": "es",
    }
    bad = client.post("/payouts/method/", account)
    assert bad.status_code == 400 and bad.context["bank_form"].errors["account_number"]
    client.post("/payouts/method/", {**account, "account_number": "ES91 2100 0418 4502 0005 1332"})
    assert PayeeProfile.objects.get(user=earned).account_number == "ES91 2100 0418 4502 0005 1332"
    assert "•••• 1332" in client.get(TEACH + "earnings/").content.decode()

    too_much = client.post(TEACH + "earnings/", {**payout, "amount": "80.01"})
    assert "You can ask for up to 80.00 EUR" in str(
        too_much.context["payout_form"].errors["amount"]
    )
    assert client.post(TEACH + "earnings/", payout)["Location"] == TEACH + "earnings/"
    client.post(TEACH + "earnings/", payout)  # the same form sent twice is one payout
    request = PayoutRequest.objects.get(payee=earned)
    assert (request.amount, request.method, request.status) == (
        Decimal("50.00"),
        "bank_transfer",
        "requested",
    )
    page = client.get(TEACH + "earnings/")
    assert page.context["earnings"][0]["available"] == Decimal("30.00")
    assert "Awaiting approval" in page.content.decode()


def test_an_unverified_teacher_cannot_ask_for_a_payout(client, role_user, make_listing) -> None:
    from payouts.models import PayoutRequest

    unverified = role_user(Role.TEACHER, verified=False)
    make_listing(unverified)
    client.force_login(unverified)
    response = client.post(
        TEACH + "earnings/",
        {"action": "payout", "amount": "1", "currency": "EUR", "key": "k"},
        follow=True,
    )
    assert "Verify your email address" in response.content.decode()
    assert not PayoutRequest.objects.exists()


def test_the_earnings_page_costs_a_fixed_number_of_queries(
    client, earned, listed, assert_num_queries
) -> None:
    from payouts.services import request_payout, save_bank_details

    client.force_login(earned)
    save_bank_details(earned, "IBAN")
    request_payout(
        earned, amount=Decimal("1"), currency="EUR", method="bank_transfer", idempotency_key="a"
    )
    client.get(TEACH + "earnings/")
    with assert_num_queries(19) as first:  # 18, and one per kind of debt (2, not 1)
        client.get(TEACH + "earnings/")
    for n in range(4):
        request_payout(
            earned,
            amount=Decimal("1"),
            currency="EUR",
            method="bank_transfer",
            idempotency_key=f"b{n}",
        )
    with assert_num_queries(len(first.captured_queries)):
        response = client.get(TEACH + "earnings/")
    assert response.content.decode().count("Awaiting approval") == 5


# --- The hub -------------------------------------------------------------------------------


def test_the_checklist_follows_the_teacher_to_their_first_booking(
    client, new_teacher, make_listing, make_gig
) -> None:
    client.force_login(new_teacher)
    listing = make_listing(new_teacher, status=ListingStatus.PENDING, hours=[])
    done = {item["label"]: item["done"] for item in client.get(TEACH).context["checklist"]}
    assert list(done.values()) == [True, False, False, False]
    listing.status = ListingStatus.VERIFIED
    listing.save()
    make_gig(listing)
    listing.weekly_hours.create(weekday=0, start_time="09:00", end_time="10:00")
    response = client.get(TEACH)
    assert all(item["done"] for item in response.context["checklist"])
    assert 'data-testid="checklist"' not in response.content.decode()


def test_a_teacher_without_a_listing_is_taken_to_onboarding_from_group_sessions(
    teacher_client,
) -> None:
    for path in (TEACH + "group-sessions/", TEACH + "group-sessions/new/"):
        assert teacher_client.get(path)["Location"] == TEACH + "onboarding/"


def test_enter_in_the_hours_form_saves_rather_than_removing_a_slot(client, teacher, listed) -> None:
    client.force_login(teacher)
    page = client.get(TEACH + "hours/").content.decode()
    form = page[page.index('class="week-form"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'value="week"' in first_button


def _video(seconds: int, name: str = "intro.mp4") -> SimpleUploadedFile:
    """A real (tiny) MP4 made by ffmpeg: a coloured square, one frame a second."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".mp4") as out:
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"color=c=teal:s=32x32:r=1:d={seconds}",
                "-pix_fmt",
                "yuv420p",
                out.name,
            ],
            check=True,
            timeout=120,
        )
        return SimpleUploadedFile(name, out.read(), content_type="video/mp4")


def test_the_intro_video_is_uploaded_checked_probed_and_shown(
    teacher_client, new_teacher, make_listing, settings, tmp_path, client
) -> None:
    settings.MEDIA_ROOT = tmp_path
    listing = make_listing(new_teacher)
    not_video = SimpleUploadedFile("intro.mp4", _jpeg().read(), content_type="video/mp4")
    refused = teacher_client.post(TEACH + "onboarding/media/", {"intro_video": not_video})
    assert refused.status_code == 200
    assert "Upload an MP4, WebM, MOV or Ogg video." in str(refused.context["form"].errors)

    too_long = teacher_client.post(TEACH + "onboarding/media/", {"intro_video": _video(190)})
    assert "at most 3 minutes long" in str(too_long.context["form"].errors)

    saved = teacher_client.post(TEACH + "onboarding/media/", {"intro_video": _video(3)})
    assert saved["Location"] == TEACH + "onboarding/languages/"
    listing.refresh_from_db()
    assert listing.intro_video.name.startswith("intro-videos/")
    assert listing.intro_video.name.endswith(".mp4")  # our name, from the sniffed type
    page = client.get(f"/tutoring/teachers/{listing.pk}/").content.decode()
    assert f'src="{listing.intro_video.url}"' in page and "<video controls" in page
