"""Every study-abroad list answers in a fixed number of queries, whatever its length.

Each list is read twice, with twice as many rows the second time, inside the same pinned
count: a query per row would show as a different count at the larger size."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from abroad import services
from rest_framework.test import APIClient

from cms.abroad.models import DestinationPage
from cms.abroad.testing import publish_child

pytestmark = pytest.mark.django_db


def client_for(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def read_twice(
    assert_num_queries: Callable[..., Any],
    queries: int,
    url: str,
    grow: Callable[[], None],
    client: APIClient,
) -> tuple[dict[str, Any], dict[str, Any]]:
    client.get(url)  # Wagtail caches the site's root paths on the first page URL it builds
    with assert_num_queries(queries):
        small = client.get(url)
    assert small.status_code == 200, small.content
    grow()
    with assert_num_queries(queries):
        large = client.get(url)
    assert large.status_code == 200, large.content
    return small.json(), large.json()


def count(body: dict[str, Any]) -> int:
    return body["count"] if "count" in body else len(body["results"])


def test_destinations(abroad_tree, assert_num_queries) -> None:
    index = abroad_tree["index"]

    def grow() -> None:
        for number in range(3):
            publish_child(
                index,
                DestinationPage(
                    title=f"City {number}",
                    slug=f"city-{number}",
                    country="Spain",
                    city=f"City {number}",
                    time_zone="Europe/Madrid",
                    latitude=Decimal("40"),
                    longitude=Decimal("-3"),
                    summary="A city.",
                ),
            )

    small, large = read_twice(
        assert_num_queries, 4, "/api/v1/abroad/destinations/", grow, client_for()
    )
    assert (count(small), count(large)) == (1, 4)


def test_institutes(make_course, institution, assert_num_queries) -> None:
    make_course(institution)
    small, large = read_twice(
        assert_num_queries,
        6,  # restrictions, locale, count, page, photos, ancestors
        "/api/v1/abroad/institutes/",
        lambda: [make_course(institution, institute_title=f"School {n}") for n in range(3)],
        client_for(),
    )
    assert (count(small), count(large)) == (1, 4)


def test_the_wishlist(
    make_course, make_homestay, institution, homestay_owner, student, assert_num_queries
) -> None:
    services.add_to_wishlist(student, make_course(institution).pk)

    def grow() -> None:
        for _ in range(2):
            services.add_to_wishlist(student, make_course(institution).pk)
            services.add_to_wishlist(student, make_homestay(homestay_owner).pk)

    small, large = read_twice(
        assert_num_queries, 2, "/api/v1/abroad/wishlist/", grow, client_for(student)
    )
    assert (count(small), count(large)) == (1, 5)


def test_a_vendors_listings(make_course, institution, assert_num_queries) -> None:
    make_course(institution)
    small, large = read_twice(
        assert_num_queries,
        2,  # count, page with content types joined
        "/api/v1/abroad/vendor/listings/",
        lambda: [make_course(institution) for _ in range(3)],
        client_for(institution),
    )
    # Each course comes with its own institute: two listings per course.
    assert (count(small), count(large)) == (2, 8)


def test_compare(
    make_course, make_homestay, institution, homestay_owner, assert_num_queries
) -> None:
    course = make_course(institution)
    homestay = make_homestay(homestay_owner, rooms=1)
    more = [make_course(institution, intakes=3), make_homestay(homestay_owner, rooms=3)]
    client = client_for()
    client.get(f"/api/v1/abroad/compare/?ids={course.pk}")
    # restrictions, pages by type, courses, homestays, ratings, cheapest rooms
    with assert_num_queries(6):
        two = client.get(f"/api/v1/abroad/compare/?ids={course.pk},{homestay.pk}&weeks=4&nights=28")
    ids = ",".join(str(page.pk) for page in [course, homestay, *more])
    with assert_num_queries(6):
        four = client.get(f"/api/v1/abroad/compare/?ids={ids}&weeks=4&nights=28")
    assert (len(two.json()["results"]), len(four.json()["results"])) == (2, 4)
