"""The teacher's own side: onboarding profile and verification request, gigs, weekly hours
and exceptions. Teachers only; a teacher never touches another teacher's data; mistakes
are 400s with field errors."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from tutoring.models import (
    AvailabilityException,
    Gig,
    ListingStatus,
    TeacherListing,
)

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/teacher/profile/"
GIGS = "/api/v1/teacher/gigs/"
HOURS = "/api/v1/teacher/hours/"
EXCEPTIONS = "/api/v1/teacher/exceptions/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

GIG = {
    "title": "Spanish conversation",
    "about": "We talk about your week.",
    "language": "es",
    "category": "language-tutor",
    "currency": "EUR",
    "pricing_mode": "per_duration",
    "durations": [{"minutes": 60, "price": "30.00"}, {"minutes": 30, "price": "16.00"}],
    "trial_minutes": 20,
    "trial_price": "5.00",
    "package_sizes": [10, 5],
    "package_discount_percent": 10,
}


@pytest.fixture
def tomas(api_client, teacher):  # type: ignore[no-untyped-def]
    api_client.force_login(teacher)
    return api_client


@pytest.fixture
def onboarded(tomas):  # type: ignore[no-untyped-def]
    response = tomas.patch(
        PROFILE,
        {"headline": "Spanish from Seville", "time_zone": "Europe/Madrid"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return tomas


def test_onboarding_profile_certificates_and_submission(tomas, teacher) -> None:
    assert tomas.get(PROFILE).json()["code"] == "listing_missing"
    created = tomas.patch(
        PROFILE,
        {
            "headline": "Spanish from Seville",
            "about": "Ten years in language schools.",
            "qualification": "CELTA",
            "years_of_experience": 10,
            "languages": [
                {"language": "es", "native": True, "min_level": "A1", "max_level": "C2"},
                {"language": "en", "min_level": "A1", "max_level": "B1"},
            ],
            "intro_video_url": "https://videos.example.com/tomas.mp4",
            "time_zone": "Europe/Madrid",
            "buffer_before_minutes": 5,
            "buffer_after_minutes": 15,
            "minimum_notice_minutes": 240,
            "booking_horizon_days": 30,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["time_zone"] == "Europe/Madrid"
    assert (body["qualification"], body["years_of_experience"]) == ("CELTA", 10)
    assert [(x["language"], x["native"]) for x in body["languages"]] == [
        ("es", True),
        ("en", False),
    ]
    teacher.teacher_profile.refresh_from_db()
    assert teacher.teacher_profile.qualification == "CELTA"

    # Certificates go through the accounts upload and show up here.
    uploaded = tomas.post(
        "/api/v1/users/me/certificates/",
        {"title": "CELTA", "file": SimpleUploadedFile("c.pdf", PDF)},
        format="multipart",
    )
    assert uploaded.status_code == 201
    profile = tomas.get(PROFILE).json()
    assert [(c["title"], c["status"]) for c in profile["certificates"]] == [("CELTA", "pending")]

    updated = tomas.patch(PROFILE, {"buffer_after_minutes": 0, "languages": []}, format="json")
    assert updated.status_code == 200
    assert updated.json()["buffer_after_minutes"] == 0 and updated.json()["languages"] == []
    assert updated.json()["headline"] == "Spanish from Seville"

    # Nothing to verify yet: no languages and no gig.
    empty = tomas.post(f"{PROFILE}submit/")
    assert empty.status_code == 409
    tomas.patch(PROFILE, {"languages": [{"language": "es"}]}, format="json")
    submitted = tomas.post(f"{PROFILE}submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending"
    # Status is the moderators' to change, not the teacher's.
    tomas.patch(PROFILE, {"status": "verified"}, format="json")
    assert TeacherListing.objects.get().status == ListingStatus.PENDING


def test_profile_validation_is_400_with_field_errors(tomas) -> None:
    no_headline = tomas.patch(PROFILE, {"about": "x"}, format="json")
    assert no_headline.status_code == 400 and "headline" in no_headline.json()["fields"]
    bad = tomas.patch(
        PROFILE,
        {
            "headline": "Hi",
            "time_zone": "Mars/Olympus_Mons",
            "buffer_after_minutes": -5,
            "booking_horizon_days": 0,
            "intro_video_url": "not a url",
            "languages": [{"language": "es", "min_level": "C1", "max_level": "A2"}],
        },
        format="json",
    )
    assert bad.status_code == 400
    fields = bad.json()["fields"]
    assert set(fields) >= {
        "time_zone",
        "buffer_after_minutes",
        "booking_horizon_days",
        "intro_video_url",
        "languages",
    }
    assert fields["time_zone"] == ["Unknown time zone."]
    twice = tomas.patch(
        PROFILE,
        {"headline": "Hi", "languages": [{"language": "es"}, {"language": "es"}]},
        format="json",
    )
    assert twice.status_code == 400 and "Listed twice" in str(twice.json()["fields"])
    assert not TeacherListing.objects.exists()


def test_only_teachers_get_in(api_client, student, content_creator) -> None:
    for user in (student, content_creator):
        api_client.force_login(user)
        for url in (PROFILE, GIGS, HOURS, EXCEPTIONS):
            response = api_client.get(url)
            assert response.status_code == 403, url
            assert response.json()["code"] == "not_a_teacher"
    api_client.logout()
    assert api_client.get(PROFILE).status_code in (401, 403)


def test_gigs_crud_with_durations_lesson_types_and_category(onboarded) -> None:
    created = onboarded.post(GIGS, GIG, format="json")
    assert created.status_code == 201, created.json()
    gig = created.json()
    assert [d["minutes"] for d in gig["durations"]] == [30, 60]
    assert gig["lesson_types"] == ["trial", "single", "package_of_5", "package_of_10"]
    assert gig["category"] == "language-tutor"

    per_minute = onboarded.patch(
        f"{GIGS}{gig['id']}/",
        {
            "pricing_mode": "per_minute",
            "price_per_minute": "0.45",
            "durations": [{"minutes": 45, "price": "0"}],
            "category": "chirologist",
        },
        format="json",
    )
    assert per_minute.status_code == 200, per_minute.json()
    assert per_minute.json()["price_per_minute"] == "0.45"
    assert [d["minutes"] for d in per_minute.json()["durations"]] == [45]
    stored = Gig.objects.get(pk=gig["id"])
    assert stored.price_for(45) == stored.price_per_minute * 45
    assert stored.category.slug == "chirologist"

    # The new gig is what learners see once the teacher is verified.
    TeacherListing.objects.update(status=ListingStatus.VERIFIED)
    listed = onboarded.get("/api/v1/teachers/").json()["results"][0]["gigs"]
    assert [g["title"] for g in listed] == ["Spanish conversation"]

    assert onboarded.delete(f"{GIGS}{gig['id']}/").status_code == 204
    assert not Gig.objects.exists()


def test_a_booked_gig_is_deactivated_not_deleted_and_keeps_its_currency(
    onboarded, teacher, student, make_gig
) -> None:
    from datetime import timedelta

    from tutoring.services.bookings import hold_booking

    listing = TeacherListing.objects.get()
    listing.status = ListingStatus.VERIFIED
    listing.minimum_notice_minutes = 0
    listing.save()
    gig = make_gig(listing)
    start = (datetime.now(tz=UTC) + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    hold_booking(learner=student, gig=gig, start=start, minutes=60, check_availability=False)
    mismatch = onboarded.patch(f"{GIGS}{gig.pk}/", {"currency": "USD"}, format="json")
    assert mismatch.status_code == 400
    assert "bookings in EUR" in mismatch.json()["fields"]["currency"][0]
    assert onboarded.delete(f"{GIGS}{gig.pk}/").status_code == 204
    gig.refresh_from_db()
    assert gig.is_active is False


def test_gig_validation_is_400_with_field_errors(onboarded) -> None:
    def errors(**changes):  # type: ignore[no-untyped-def]
        response = onboarded.post(GIGS, {**GIG, **changes}, format="json")
        assert response.status_code == 400, response.json()
        return response.json()["fields"]

    assert "price" in str(errors(durations=[{"minutes": 60, "price": "-1.00"}]))
    assert "durations" in errors(durations=[])
    assert "durations" in errors(
        durations=[{"minutes": 60, "price": "1"}, {"minutes": 60, "price": "2"}]
    )
    assert "price_per_minute" in errors(pricing_mode="per_minute")
    assert "trial_price" in errors(trial_price=None)
    assert "currency" in errors(currency="XYZ")
    assert "category" in errors(category="astrology")
    assert "language" in errors(language="")
    assert "package_discount_percent" in errors(package_discount_percent=95)
    assert "package_sizes" in errors(package_sizes=[1])
    assert not Gig.objects.exists()


def test_gigs_need_a_listing_first(tomas) -> None:
    response = tomas.post(GIGS, GIG, format="json")
    assert response.status_code == 409 and response.json()["code"] == "listing_missing"


def test_weekly_hours_replace_the_week_and_refuse_overlaps(onboarded) -> None:
    week = {
        "hours": [
            {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": 0, "start_time": "12:00", "end_time": "15:00"},
            {"weekday": 2, "start_time": "18:00", "end_time": "21:00"},
        ]
    }
    saved = onboarded.put(HOURS, week, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["time_zone"] == "Europe/Madrid"
    assert len(saved.json()["hours"]) == 3

    overlapping = onboarded.put(
        HOURS,
        {
            "hours": [
                {"weekday": 1, "start_time": "09:00", "end_time": "12:00"},
                {"weekday": 1, "start_time": "11:00", "end_time": "13:00"},
            ]
        },
        format="json",
    )
    assert overlapping.status_code == 400
    assert "Tuesday: 11:00 starts before 12:00 ends." in overlapping.json()["fields"]["hours"]
    backwards = onboarded.put(
        HOURS,
        {"hours": [{"weekday": 1, "start_time": "12:00", "end_time": "09:00"}]},
        format="json",
    )
    assert backwards.status_code == 400 and "hours" in backwards.json()["fields"]
    bad_day = onboarded.put(
        HOURS,
        {"hours": [{"weekday": 9, "start_time": "09:00", "end_time": "10:00"}]},
        format="json",
    )
    assert bad_day.status_code == 400
    # The refused weeks left the saved one alone.
    assert len(onboarded.get(HOURS).json()["hours"]) == 3
    assert onboarded.put(HOURS, {"hours": []}, format="json").json()["hours"] == []


def test_exceptions_crud_in_the_teachers_zone(onboarded, assert_num_queries) -> None:
    # 2026-07-01 10:00 in Madrid (summer time) is 08:00 UTC.
    created = onboarded.post(
        EXCEPTIONS,
        {
            "kind": "time_off",
            "start": "2026-07-01T10:00",
            "end": "2026-07-01T14:00",
            "note": "Dentist",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    exception = AvailabilityException.objects.get()
    assert exception.start == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert created.json()["start"] == "2026-07-01T10:00:00+02:00"

    onboarded.post(
        EXCEPTIONS,
        {"kind": "extra", "start": "2026-07-04T08:00:00Z", "end": "2026-07-04T10:00:00Z"},
        format="json",
    )
    # session, user, groups (role check), count, page
    with assert_num_queries(6):
        listed = onboarded.get(EXCEPTIONS)
    assert listed.json()["count"] == 2
    for day in range(5, 15):
        onboarded.post(
            EXCEPTIONS,
            {
                "kind": "time_off",
                "start": f"2026-08-{day:02}T10:00",
                "end": f"2026-08-{day:02}T11:00",
            },
            format="json",
        )
    with assert_num_queries(6):
        assert onboarded.get(EXCEPTIONS).json()["count"] == 12

    moved = onboarded.patch(
        f"{EXCEPTIONS}{exception.pk}/", {"end": "2026-07-01T16:00"}, format="json"
    )
    assert moved.status_code == 200
    exception.refresh_from_db()
    assert exception.end == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
    backwards = onboarded.patch(
        f"{EXCEPTIONS}{exception.pk}/", {"end": "2026-07-01T09:00"}, format="json"
    )
    assert backwards.status_code == 400 and "end" in backwards.json()["fields"]
    assert onboarded.delete(f"{EXCEPTIONS}{exception.pk}/").status_code == 204


def test_a_teacher_never_touches_another_teachers_data(
    onboarded, api_client, role_user, make_listing, make_gig
) -> None:
    other = make_listing(role_user(Role.TEACHER))
    their_gig = make_gig(other)
    their_exception = AvailabilityException.objects.create(
        listing=other,
        kind="time_off",
        start=datetime(2026, 7, 1, 8, tzinfo=UTC),
        end=datetime(2026, 7, 1, 9, tzinfo=UTC),
    )
    assert onboarded.get(GIGS).json()["count"] == 0
    assert onboarded.get(EXCEPTIONS).json()["count"] == 0
    for url in (f"{GIGS}{their_gig.pk}/", f"{EXCEPTIONS}{their_exception.pk}/"):
        assert onboarded.get(url).status_code == 404
        assert (
            onboarded.patch(url, {"title": "Mine now", "note": "x"}, format="json").status_code
            == 404
        )
        assert onboarded.delete(url).status_code == 404
    assert Gig.objects.get(pk=their_gig.pk).title == "Spanish conversation"
    assert AvailabilityException.objects.filter(pk=their_exception.pk).exists()
    # Their hours and profile are not reachable either: the endpoints only know "mine".
    assert onboarded.get(PROFILE).json()["headline"] == "Spanish from Seville"


def test_gig_list_has_a_pinned_query_count(onboarded, assert_num_queries) -> None:
    for n in range(2):
        onboarded.post(GIGS, {**GIG, "title": f"Gig {n}"}, format="json")
    # session, user, groups (role check), count, page (+category), durations
    with assert_num_queries(6):
        assert onboarded.get(GIGS).json()["count"] == 2
    for n in range(2, 7):
        onboarded.post(GIGS, {**GIG, "title": f"Gig {n}"}, format="json")
    with assert_num_queries(6):
        assert onboarded.get(GIGS).json()["count"] == 7


def test_a_taught_language_without_its_language_is_a_field_error(tomas) -> None:
    # schemathesis's body: an item without "language" passed the partial PATCH (a 500).
    response = tomas.patch(
        PROFILE,
        {
            "headline": "0",
            "time_zone": "UTC",
            "languages": [{"native": False, "min_level": "A1", "max_level": "A1"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["languages"]


def test_options_on_the_weekly_hours_describes_the_form(onboarded) -> None:
    # schemathesis sent OPTIONS /teacher/hours/: DRF's metadata called get_object() (a 500).
    response = onboarded.options("/api/v1/teacher/hours/")
    assert response.status_code == 200
    assert "hours" in response.json()["actions"]["PUT"]
