"""The directory: only verified teachers, filters, a pinned query count, recommendations."""

from datetime import UTC, datetime, time, timedelta

import pytest

from accounts.roles import Role
from tutoring.models import ListingStatus

pytestmark = pytest.mark.django_db


def test_directory_lists_verified_teachers_only_with_a_pinned_query_count(
    api_client, make_listing, make_gig, assert_num_queries
) -> None:
    for _ in range(3):
        make_gig(make_listing())
    make_listing(status=ListingStatus.PENDING)
    make_listing(status=ListingStatus.REJECTED)
    # session, count, page, languages, gigs (+categories joined), durations
    with assert_num_queries(5):
        response = api_client.get("/api/v1/teachers/")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    for _ in range(5):
        make_gig(make_listing())
    with assert_num_queries(5):
        assert api_client.get("/api/v1/teachers/").json()["count"] == 8


def test_filters_language_category_price_rating_country_and_availability(
    api_client, make_listing, make_gig
) -> None:
    spanish = make_listing(languages=[("es", "A1", "C2")], country="ES")
    make_gig(spanish, durations={60: "20.00"})
    french = make_listing(
        languages=[("fr", "A1", "C2")],
        country="FR",
        time_zone="Asia/Tokyo",
        hours=[(0, time(9), time(10))],
    )
    make_gig(french, durations={30: "25.00"}, category="chirologist", language="fr")  # 50/h

    def ids(**params):  # type: ignore[no-untyped-def]
        response = api_client.get("/api/v1/teachers/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(language="es") == {str(spanish.pk)}
    assert ids(category="chirologist") == {str(french.pk)}
    assert ids(max_price="30") == {str(spanish.pk)}
    assert ids(min_price="30") == {str(french.pk)}
    assert ids(country="fr") == {str(french.pk)}
    assert ids(min_rating="4") == set()
    # Monday 09:30 in Tokyo is Monday 00:30 UTC: only the Tokyo teacher has hours then.
    monday = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)
    assert ids(
        available_from=monday.isoformat(), available_to=(monday + timedelta(minutes=20)).isoformat()
    ) == {str(french.pk)}
    assert ids(ordering="hourly_from")  # sorting works


def test_a_matching_teacher_ranks_above_a_non_matching_one(
    api_client, make_listing, make_gig, role_user
) -> None:
    from accounts.models import LearningLanguage, Profile

    learner = role_user(Role.STUDENT)
    profile, _ = Profile.objects.get_or_create(user=learner)
    LearningLanguage.objects.create(profile=profile, language="de", level="B1")
    other = make_listing(languages=[("fr", "A1", "C2")])
    make_gig(other)
    matching = make_listing(languages=[("de", "A2", "C1")])
    make_gig(matching)
    api_client.force_login(learner)
    response = api_client.get("/api/v1/teachers/recommended/")
    assert response.status_code == 200
    ranked = [row["id"] for row in response.json()["results"]]
    assert ranked.index(str(matching.pk)) < ranked.index(str(other.pk))


def test_collaborative_filtering_recommends_what_similar_learners_booked(
    make_listing, make_gig, user_factory
) -> None:
    from tutoring.models import Booking, BookingStatus
    from tutoring.selectors.discovery import recommended

    a, b, c = (make_listing(languages=[]) for _ in range(3))
    gigs = {listing.pk: make_gig(listing) for listing in (a, b, c)}
    me, peer = user_factory(), user_factory()
    start = datetime(2026, 1, 5, 10, tzinfo=UTC)

    def booked(learner, listing, offset):  # type: ignore[no-untyped-def]
        s = start + timedelta(days=offset)
        Booking.objects.create(
            teacher=listing,
            learner=learner,
            gig=gigs[listing.pk],
            start=s,
            end=s + timedelta(hours=1),
            blocked_start=s,
            blocked_end=s + timedelta(hours=1),
            currency="EUR",
            price=30,
            status=BookingStatus.COMPLETED,
        )

    booked(me, a, 0)
    booked(peer, a, 1)
    booked(peer, b, 2)
    ranked = [listing.pk for listing in recommended(me)]
    assert ranked.index(b.pk) < ranked.index(c.pk)
