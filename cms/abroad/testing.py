"""Fixtures for tests of the study-abroad tree (imported by the conftests of tests/cms/abroad,
tests/platform/abroad and tests/e2e)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.site.demo import ensure_home_page, ensure_locales
from cms.site.models import HomePage

from .models import (
    CourseIntake,
    CoursePage,
    DestinationPage,
    HomestayPage,
    HomestayRoom,
    InstitutePage,
    StudyAbroadIndexPage,
)


def publish_child(parent: Page, page: Page, owner: Any = None) -> Any:
    if owner is not None:
        page.owner = owner
    parent.add_child(instance=page)
    page.save_revision(user=owner).publish()
    page.refresh_from_db()
    return page


def next_weekday(weekday: int, after: date | None = None, weeks_ahead: int = 4) -> date:
    """The first ``weekday`` (0 Monday) at least ``weeks_ahead`` weeks after ``after``."""
    start = (after or timezone.localdate()) + timedelta(weeks=weeks_ahead)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def ensure_wagtail_root() -> None:
    """Wagtail's root page, made by its migrations. Transactional tests flush it, and the
    suite's serialized rollback does not bring it back on these machines (core's own
    ``test_transactional_isolation`` fails the same way on main): make it again if gone."""
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))


@pytest.fixture
def abroad_tree(db: None) -> dict[str, Any]:
    ensure_locales()
    ensure_wagtail_root()
    ensure_home_page()
    home = HomePage.objects.get(locale=Locale.get_default())
    index = publish_child(home, StudyAbroadIndexPage(title="Study abroad", slug="abroad"))
    madrid = publish_child(
        index,
        DestinationPage(
            title="Madrid",
            slug="madrid",
            country="Spain",
            city="Madrid",
            time_zone="Europe/Madrid",
            latitude=Decimal("40.41678"),
            longitude=Decimal("-3.70379"),
            summary="Spain's capital.",
        ),
    )
    return {"index": index, "destination": madrid}


@pytest.fixture
def make_course(abroad_tree: dict[str, Any]) -> Any:
    def make(
        owner: Any = None,
        *,
        seats: int = 10,
        intakes: int = 1,
        institute: InstitutePage | None = None,
        **fields: Any,
    ) -> CoursePage:
        if institute is None:
            institute = publish_child(
                abroad_tree["destination"],
                InstitutePage(
                    title=fields.pop("institute_title", "Escuela Sol"),
                    slug=f"escuela-{InstitutePage.objects.count() + 1}",
                    profile="A school in the centre.",
                    address="Calle Mayor 1, Madrid",
                    latitude=Decimal("40.41650"),
                    longitude=Decimal("-3.70700"),
                    languages="es",
                ),
                owner,
            )
        defaults: dict[str, Any] = {
            "title": "Intensive Spanish",
            "slug": f"course-{CoursePage.objects.count() + 1}",
            "description": "Twenty lessons a week.",
            "language": "es",
            "level_min": "A1",
            "level_max": "B2",
            "lessons_per_week": 20,
            "weeks_min": 1,
            "weeks_max": 12,
            "price_per_week": Decimal("200.00"),
            "registration_fee": Decimal("50.00"),
            "material_fee": Decimal("30.00"),
            "currency": "EUR",
        }
        defaults.update(fields)
        course = CoursePage(**defaults)
        first = next_weekday(0)
        for number in range(intakes):
            course.intakes.add(
                CourseIntake(start_date=first + timedelta(weeks=4 * number), seats=seats)
            )
        return publish_child(institute, course, owner)

    return make


@pytest.fixture
def make_homestay(abroad_tree: dict[str, Any]) -> Any:
    def make(owner: Any = None, *, rooms: int = 1, **fields: Any) -> HomestayPage:
        defaults: dict[str, Any] = {
            "title": "Casa Lucía",
            "slug": f"casa-{HomestayPage.objects.count() + 1}",
            "host_profile": "Lucía, a retired teacher.",
            "address": "Chamberí, Madrid",
            "latitude": Decimal("40.43400"),
            "longitude": Decimal("-3.70300"),
            "min_nights": 2,
            "max_nights": 90,
            "check_in_days": "mon,tue,wed,thu,fri,sat,sun",
            "currency": "EUR",
        }
        defaults.update(fields)
        homestay = HomestayPage(**defaults)
        for number in range(rooms):
            homestay.rooms.add(
                HomestayRoom(
                    name=f"Room {number + 1}",
                    room_type="single",
                    private_bathroom=number == 0,
                    price_per_night=Decimal("35.00"),
                )
            )
        return publish_child(abroad_tree["destination"], homestay, owner)

    return make
