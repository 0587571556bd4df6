"""The study-abroad API: catalogue lists (pinned query counts), filters, availability,
compare, wishlist, booking holds with clear conflicts, and vendor answers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from abroad import services
from abroad.models import AbroadBooking, BookingStatus
from rest_framework.test import APIClient

from cms.abroad.testing import next_weekday


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_course_list_has_intakes_with_seats_left_at_a_fixed_query_count(
    make_course, user_factory, institution, assert_num_queries
) -> None:
    course = make_course(institution, seats=5, intakes=2)
    for _ in range(3):
        make_course(institution, title="Spanish + culture", intakes=3)
    first = course.intakes.order_by("start_date").first()
    services.hold_booking(learner=user_factory(), intake_id=first.pk, seats=2)
    client = APIClient()

    # view restrictions, locale, count, page, intakes (seats taken annotated), ancestors
    with assert_num_queries(6):
        response = client.get("/api/v1/abroad/courses/?page_size=10")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    mine = next(row for row in body["results"] if row["id"] == course.pk)
    assert mine["destination"]["title"] == "Madrid"
    assert mine["institute"]["title"] == "Escuela Sol"
    assert [i["seats_left"] for i in mine["intakes"]] == [3, 5]
    # Twice the courses, the same number of queries.
    for _ in range(4):
        make_course(institution, intakes=2)
    with assert_num_queries(6):
        response = client.get("/api/v1/abroad/courses/?page_size=10")
    assert response.json()["count"] == 8


@pytest.mark.django_db
def test_course_filters_and_sorting(make_course, institution) -> None:
    cheap = make_course(institution, title="Cheap", price_per_week=Decimal("100"), level_max="A2")
    dear = make_course(
        institution, title="Dear", price_per_week=Decimal("400"), level_min="B1", level_max="C2"
    )
    french = make_course(institution, title="French", language="fr", price_per_week=Decimal("150"))
    client = APIClient()

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/abroad/courses/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("ordering=price") == [cheap.pk, french.pk, dear.pk]
    assert ids("ordering=-price") == [dear.pk, french.pk, cheap.pk]
    assert ids("language=fr") == [french.pk]
    assert ids("level=C1") == [dear.pk]
    # 4 weeks x 100 + 80 fees = 480 is within 500; 4 x 150 + 80 = 680 is not.
    assert ids("weeks=4&budget=500") == [cheap.pk]
    bad = client.get("/api/v1/abroad/courses/?level=Z9&weeks=0")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"level", "weeks"}


@pytest.mark.django_db
def test_homestays_list_rooms_and_availability(
    make_homestay, user_factory, homestay_owner, assert_num_queries
) -> None:
    homestay = make_homestay(homestay_owner, rooms=2)
    make_homestay(homestay_owner, title="Casa Pedro", meals="full_board")
    room = homestay.rooms.order_by("sort_order").first()
    day = next_weekday(5)
    services.block_dates(
        vendor=homestay_owner, room_id=room.pk, check_in=day, check_out=day + timedelta(days=3)
    )
    client = APIClient()
    with assert_num_queries(6):  # restrictions, locale, count, page, rooms, ancestors
        listing = client.get("/api/v1/abroad/homestays/")
    assert [len(row["rooms"]) for row in listing.json()["results"]] == [2, 1]
    assert client.get("/api/v1/abroad/homestays/?meals=full_board").json()["count"] == 1
    free = client.get(
        f"/api/v1/abroad/homestays/?check_in={day}&check_out={day + timedelta(days=2)}"
    ).json()
    assert free["count"] == 2  # the other room of Casa Lucía is still free

    response = client.get(
        f"/api/v1/abroad/homestays/{homestay.pk}/availability/"
        f"?from={day - timedelta(days=1)}&to={day + timedelta(days=10)}"
    )
    assert response.status_code == 200
    rooms = response.json()["rooms"]
    assert rooms[0]["busy"] == [
        {"check_in": str(day), "check_out": str(day + timedelta(days=3)), "kind": "blocked"}
    ]
    assert rooms[1]["busy"] == []
    too_long = client.get(
        f"/api/v1/abroad/homestays/{homestay.pk}/availability/?from={day}&to={day + timedelta(days=400)}"
    )
    assert too_long.status_code == 400


@pytest.mark.django_db
def test_compare_prices_up_to_four_for_the_chosen_weeks_and_nights(
    make_course, make_homestay, institution, homestay_owner
) -> None:
    course = make_course(institution)
    homestay = make_homestay(homestay_owner)
    client = APIClient()
    response = client.get(
        f"/api/v1/abroad/compare/?ids={course.pk},{homestay.pk}&weeks=4&nights=28"
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["total"] == "880.00"  # 4 x 200 + 50 + 30
    assert rows[1]["total"] == "980.00"  # 28 x 35
    assert client.get("/api/v1/abroad/compare/?ids=1,2,3,4,5").status_code == 400


@pytest.mark.django_db
def test_wishlist_add_list_remove(make_course, student, institution) -> None:
    course = make_course(institution)
    client = client_for(student)
    assert client.post("/api/v1/abroad/wishlist/", {"page": course.pk}).status_code == 201
    assert client.post("/api/v1/abroad/wishlist/", {"page": course.pk}).status_code == 201
    listing = client.get("/api/v1/abroad/wishlist/").json()
    assert [row["page"] for row in listing["results"]] == [course.pk]
    assert client.post("/api/v1/abroad/wishlist/", {"page": 1}).status_code == 400
    assert client.delete(f"/api/v1/abroad/wishlist/{course.pk}/").status_code == 204
    assert client.get("/api/v1/abroad/wishlist/").json()["count"] == 0
    # A segment that is no page id (schemathesis sent "null,null") is a 404, not a 500.
    assert client.delete("/api/v1/abroad/wishlist/null,null/").status_code == 404
    assert APIClient().get("/api/v1/abroad/wishlist/").status_code in (401, 403)


@pytest.mark.django_db
def test_booking_a_package_answers_the_hold_and_what_to_pay(
    make_course, make_homestay, student, other_student, institution, homestay_owner
) -> None:
    course = make_course(institution, seats=1, deposit_percent=20)
    intake = course.intakes.get()
    room = make_homestay(homestay_owner).rooms.get()
    check_in = intake.start_date - timedelta(days=1)
    payload = {
        "intake": intake.pk,
        "seats": 1,
        "weeks": 2,
        "room": room.pk,
        "check_in": str(check_in),
        "check_out": str(check_in + timedelta(days=14)),
    }
    response = client_for(student).post("/api/v1/abroad/bookings/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "package"
    assert body["status"] == "held"
    assert body["course_amount"] == "480.00"  # 2 x 200 + 50 + 30
    assert body["stay_amount"] == "490.00"  # 14 x 35
    assert body["total"] == "970.00"
    assert body["amount_due"] == "586.00"  # 20 % of the course + the stay in full
    assert body["hold_expires_at"]

    taken = client_for(other_student).post("/api/v1/abroad/bookings/", payload, format="json")
    assert taken.status_code == 409
    assert taken.json()["code"] == "room_taken"
    taken = client_for(other_student).post(
        "/api/v1/abroad/bookings/", {"intake": intake.pk, "weeks": 2}, format="json"
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "seats_taken"
    assert taken.json()["message"]
    stay_only = {key: payload[key] for key in ("room", "check_in", "check_out")}
    taken = client_for(other_student).post("/api/v1/abroad/bookings/", stay_only, format="json")
    assert taken.status_code == 409
    assert taken.json()["code"] == "room_taken"

    invalid = client_for(other_student).post(
        "/api/v1/abroad/bookings/", {"room": room.pk}, format="json"
    )
    assert invalid.status_code == 400
    assert set(invalid.json()["fields"]) == {"check_in", "check_out"}
    assert client_for(other_student).post("/api/v1/abroad/bookings/", {}).status_code == 400


@pytest.mark.django_db
def test_bookings_list_is_paginated_at_a_fixed_query_count(
    make_course, student, institution, assert_num_queries
) -> None:
    course = make_course(institution, seats=50)
    intake = course.intakes.get()
    for _ in range(3):
        services.hold_booking(learner=student, intake_id=intake.pk)
    client = client_for(student)
    with assert_num_queries(2):  # count, page (course, homestay, room, intake joined)
        response = client.get("/api/v1/abroad/bookings/")
    assert response.json()["count"] == 3


@pytest.mark.django_db
def test_request_to_book_waits_for_the_vendor_who_accepts_or_declines(
    make_course, student, other_student, institution, homestay_owner, assert_num_queries
) -> None:
    course = make_course(institution, booking_mode="request")
    intake = course.intakes.get()
    response = client_for(student).post(
        "/api/v1/abroad/bookings/", {"intake": intake.pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_vendor"
    assert response.json()["amount_due"] == "0.00"  # nothing is charged before acceptance
    booking_id = response.json()["id"]

    # Another vendor cannot see or answer it.
    stranger = client_for(homestay_owner)
    assert stranger.get("/api/v1/abroad/vendor/bookings/").json()["count"] == 0
    assert stranger.post(f"/api/v1/abroad/vendor/bookings/{booking_id}/accept/").status_code == 404

    vendor = client_for(institution)
    with assert_num_queries(2):
        listing = vendor.get("/api/v1/abroad/vendor/bookings/")
    assert listing.json()["results"][0]["learner_name"] == "Sam Student"
    accepted = vendor.post(f"/api/v1/abroad/vendor/bookings/{booking_id}/accept/")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "held"
    assert Decimal(accepted.json()["amount_due"]) == Decimal("280.00")
    again = vendor.post(f"/api/v1/abroad/vendor/bookings/{booking_id}/accept/")
    assert again.status_code == 409

    second = services.hold_booking(learner=other_student, intake_id=intake.pk)
    declined = vendor.post(f"/api/v1/abroad/vendor/bookings/{second.pk}/decline/", {"note": "full"})
    assert declined.json()["status"] == "cancelled"
    assert services.seats_taken(intake.pk) == 1


@pytest.mark.django_db
def test_vendor_listings_and_blocks_are_their_own(
    make_homestay, make_course, homestay_owner, institution
) -> None:
    homestay = make_homestay(homestay_owner)
    make_course(institution)
    room = homestay.rooms.get()
    mine = client_for(homestay_owner).get("/api/v1/abroad/vendor/listings/").json()
    assert [row["kind"] for row in mine["results"]] == ["homestay"]
    day = next_weekday(2)
    other = client_for(institution).post(
        f"/api/v1/abroad/vendor/rooms/{room.pk}/blocks/",
        {"check_in": str(day), "check_out": str(day + timedelta(days=2))},
    )
    assert other.status_code == 403
    blocked = client_for(homestay_owner).post(
        f"/api/v1/abroad/vendor/rooms/{room.pk}/blocks/",
        {"check_in": str(day), "check_out": str(day + timedelta(days=2))},
    )
    assert blocked.status_code == 201
    overlap = client_for(homestay_owner).post(
        f"/api/v1/abroad/vendor/rooms/{room.pk}/blocks/",
        {"check_in": str(day + timedelta(days=1)), "check_out": str(day + timedelta(days=4))},
    )
    assert overlap.status_code == 409
    block_id = blocked.json()["id"]
    assert (
        client_for(institution).delete(f"/api/v1/abroad/vendor/blocks/{block_id}/").status_code
        == 403
    )
    assert (
        client_for(homestay_owner).delete(f"/api/v1/abroad/vendor/blocks/{block_id}/").status_code
        == 204
    )
    assert AbroadBooking.objects.count() == 0
    assert BookingStatus.HELD  # the enum is importable for the schema


@pytest.mark.django_db
def test_a_review_reply_to_an_id_that_is_no_number_is_a_404(student) -> None:
    # schemathesis sent POST /abroad/reviews/null,null/reply/: it was a 500 (ValueError).
    response = client_for(student).post(
        "/api/v1/abroad/reviews/null,null/reply/", {"text": "Thanks!"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_courses_are_found_by_their_type_on_the_api_and_the_website(
    client, make_course, institution
) -> None:
    exam = make_course(institution, title="DELE preparation", course_type="exam")
    make_course(institution, title="Spanish for everyone")
    api = APIClient().get("/api/v1/abroad/courses/", {"course_type": "exam"}).json()
    assert [(row["id"], row["course_type"]) for row in api["results"]] == [(exam.pk, "exam")]
    assert APIClient().get("/api/v1/abroad/courses/?course_type=nap").status_code == 400

    page = client.get("/abroad/", {"kind": "courses", "course_type": "exam"}).content.decode()
    assert "DELE preparation" in page
    assert "Spanish for everyone" not in page
    assert '<option value="exam" selected>Exam preparation</option>' in page
