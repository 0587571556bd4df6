"""Availability and personal state for the study-abroad page templates (the pages live in
cms.abroad, which does not import this app: its templates load these tags)."""

from datetime import date, timedelta
from typing import Any

from django import template
from django.utils import timezone

from cms.abroad.models import CoursePage, HomestayPage, HomestayRoom

from .. import policies, selectors
from ..models import RoomStay

register = template.Library()


@register.simple_tag
def intakes_of(course: CoursePage) -> list[Any]:
    """The course's intakes from today, each with ``seats_left``."""
    intakes = list(
        selectors.intakes_with_seats().filter(page=course, start_date__gt=timezone.localdate())
    )
    for intake in intakes:
        intake.left = selectors.seats_left(intake)
    return intakes


@register.simple_tag
def rooms_near(course: CoursePage) -> list[HomestayRoom]:
    """Rooms of the homestays in the course's destination (for a package)."""
    parent = course.get_parent()
    destination = parent.get_parent() if parent else None
    if destination is None:
        return []
    homestays = HomestayPage.objects.live().child_of(destination)
    return list(
        HomestayRoom.objects.filter(page__in=homestays)
        .select_related("page")
        .order_by("page__title", "sort_order")
    )


@register.simple_tag
def room_calendar(homestay: HomestayPage, weeks: int = 6) -> list[dict[str, Any]]:
    """Each room's next ``weeks`` weeks from this Monday, day by day: free, booked, blocked
    or past."""
    today = timezone.localdate()
    start = today - timedelta(days=today.weekday())
    end = start + timedelta(weeks=weeks)
    rooms = list(homestay.rooms.order_by("sort_order"))
    stays = list(
        RoomStay.objects.filter(
            room__in=rooms, active=True, check_in__lt=end, check_out__gt=start
        ).values_list("room_id", "check_in", "check_out", "booking_id")
    )
    calendar = []
    for room in rooms:
        days = []
        for offset in range((end - start).days):
            day: date = start + timedelta(days=offset)
            state = "past" if day < today else "free"
            for room_id, check_in, check_out, booking_id in stays:
                if room_id == room.pk and check_in <= day < check_out:
                    state = "blocked" if booking_id is None else "booked"
            days.append({"date": day, "state": state})
        calendar.append(
            {"room": room, "weeks": [days[index : index + 7] for index in range(0, len(days), 7)]}
        )
    return calendar


@register.simple_tag(takes_context=True)
def wishlist_ids(context: template.Context) -> set[int]:
    request = context.get("request")
    return selectors.wishlist_page_ids(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def compare_ids(context: template.Context) -> list[int]:
    request = context.get("request")
    session = getattr(request, "session", None)
    return list(session.get("abroad_compare", [])) if session is not None else []


@register.filter
def policy_text(policy: str) -> str:
    return policies.explain(policy)


@register.simple_tag
def reviews_of(page: Any) -> dict[str, Any]:
    """The listing's average rating, count and latest published reviews (with replies)."""
    return {
        **selectors.rating_of(page.pk),
        "latest": list(selectors.published_reviews(page.pk)[:10]),
    }
