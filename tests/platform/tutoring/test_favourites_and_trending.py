"""Favourites (add, remove, list) and trending teachers (time-decayed popularity), through
the directory API."""

from datetime import UTC, datetime, timedelta

import pytest

from tutoring.models import Booking, Favourite, ListingStatus
from tutoring.services.bookings import hold_booking

pytestmark = pytest.mark.django_db


def test_add_list_and_remove_favourites(
    api_client, student, other_student, make_listing, make_gig, assert_num_queries
) -> None:
    liked, other = make_listing(), make_listing()
    for listing in (liked, other):
        make_gig(listing)
    api_client.force_login(student)
    assert api_client.post(f"/api/v1/teachers/{liked.pk}/favourite/").status_code == 201
    # Twice is still once.
    assert api_client.post(f"/api/v1/teachers/{liked.pk}/favourite/").status_code == 201
    assert Favourite.objects.filter(learner=student).count() == 1

    # session, user, favourite ids, count, page, languages, gigs (+category), durations
    with assert_num_queries(8):
        mine = api_client.get("/api/v1/teachers/favourites/").json()
    assert [row["id"] for row in mine["results"]] == [str(liked.pk)]
    assert mine["results"][0]["is_favourite"] is True
    cards = {
        row["id"]: row["is_favourite"]
        for row in api_client.get("/api/v1/teachers/").json()["results"]
    }
    assert cards == {str(liked.pk): True, str(other.pk): False}

    for _ in range(4):
        listing = make_listing()
        make_gig(listing)
        api_client.post(f"/api/v1/teachers/{listing.pk}/favourite/")
    with assert_num_queries(8):
        assert api_client.get("/api/v1/teachers/favourites/").json()["count"] == 5

    # Favourites are private to their learner.
    api_client.force_login(other_student)
    assert api_client.get("/api/v1/teachers/favourites/").json()["count"] == 0

    api_client.force_login(student)
    assert api_client.delete(f"/api/v1/teachers/{liked.pk}/favourite/").status_code == 204
    ids = {row["id"] for row in api_client.get("/api/v1/teachers/favourites/").json()["results"]}
    assert str(liked.pk) not in ids and len(ids) == 4


def test_favourites_need_a_login_and_a_listed_teacher(api_client, student, make_listing) -> None:
    pending = make_listing(status=ListingStatus.PENDING)
    listed = make_listing()
    assert api_client.post(f"/api/v1/teachers/{listed.pk}/favourite/").status_code in (401, 403)
    assert api_client.get("/api/v1/teachers/favourites/").status_code in (401, 403)
    api_client.force_login(student)
    assert api_client.post(f"/api/v1/teachers/{pending.pk}/favourite/").status_code == 404
    assert not Favourite.objects.exists()


def test_trending_ranks_recent_popularity_first_and_lists_only_verified_teachers(
    api_client, make_listing, make_gig, user_factory, assert_num_queries
) -> None:
    """Three bookings a month ago weigh less than two this week (half-life seven days:
    3 x 2^-30/7 ~ 0.15 against 2 x ~1)."""
    start = (datetime.now(tz=UTC) + timedelta(days=5)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    fresh, faded, unbooked = (make_listing(booking_horizon_days=365) for _ in range(3))
    hidden = make_listing(booking_horizon_days=365)

    def book(listing, count: int, age: timedelta) -> None:  # type: ignore[no-untyped-def]
        gig = make_gig(listing)
        for n in range(count):
            booking = hold_booking(
                learner=user_factory(),
                gig=gig,
                start=start + timedelta(days=n),
                minutes=60,
                check_availability=False,
            )
            Booking.objects.filter(pk=booking.pk).update(created_at=datetime.now(tz=UTC) - age)

    book(fresh, 2, timedelta(days=1))
    book(faded, 3, timedelta(days=30))
    book(hidden, 5, timedelta(days=1))
    make_gig(unbooked)
    hidden.status = ListingStatus.REJECTED
    hidden.save()

    # Anonymous: bookings (popularity), listings, languages, gigs (+category), durations;
    # the ranked list is paginated in memory, so no count query.
    with assert_num_queries(5):
        response = api_client.get("/api/v1/teachers/trending/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [str(fresh.pk), str(faded.pk)]

    # More bookings do not cost more queries.
    book(unbooked, 4, timedelta(days=2))
    with assert_num_queries(5):
        ids = [row["id"] for row in api_client.get("/api/v1/teachers/trending/").json()["results"]]
    assert ids == [str(unbooked.pk), str(fresh.pk), str(faded.pk)]
