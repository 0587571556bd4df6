"""Vendors in the restricted editor: each edits only their own subtree, through the review
workflow, with a reduced admin menu; another vendor's pages are closed to them at every
admin URL and in the API."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.roles import Role
from cms.abroad.models import HomestayPage
from cms.abroad.vendors import grant_vendor_subtree

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_hosts(make_homestay, homestay_owner, role_user):  # type: ignore[no-untyped-def]
    other = role_user(Role.HOMESTAY_OWNER, email="olga@example.com", first_name="Olga")
    mine = make_homestay(homestay_owner, title="Casa Hana")
    theirs = make_homestay(other, title="Casa Olga")
    grant_vendor_subtree(homestay_owner, mine)
    grant_vendor_subtree(other, theirs)
    return mine, theirs, other


def homestay_form(  # type: ignore[no-untyped-def]
    page: HomestayPage, price: str, action: str, **changes
) -> dict:  # type: ignore[type-arg]
    room = page.rooms.get()
    return nested_form_data(
        {
            "title": changes.get("title", page.title),
            "slug": page.slug,
            "host_profile": page.host_profile,
            "photo": "",
            "address": page.address,
            "latitude": str(page.latitude),
            "longitude": str(page.longitude),
            "meals": page.meals,
            "meals_notes": "",
            "house_rules": "",
            "min_nights": changes.get("min_nights", page.min_nights),
            "max_nights": page.max_nights,
            "check_in_days": page.check_in_days,
            "currency": page.currency,
            "booking_mode": page.booking_mode,
            "deposit_percent": page.deposit_percent,
            "cancellation_policy": page.cancellation_policy,
            "rooms": inline_formset(
                [
                    {
                        "id": room.pk,
                        "name": room.name,
                        "room_type": room.room_type,
                        "private_bathroom": "on",
                        "price_per_night": price,
                        "ORDER": 1,
                    }
                ],
                initial=1,
                min=1,
            ),
            "nearby": inline_formset([]),
            "comments": inline_formset([]),
            action: "1",
        }
    )


def test_a_vendor_cannot_reach_another_vendors_pages_at_any_admin_url(
    client, two_hosts, homestay_owner
) -> None:
    mine, theirs, _other = two_hosts
    revision = theirs.latest_revision
    client.force_login(homestay_owner)
    closed = [
        reverse("wagtailadmin_pages:edit", args=[theirs.pk]),
        reverse("wagtailadmin_pages:preview_on_edit", args=[theirs.pk]),
        reverse("wagtailadmin_pages:delete", args=[theirs.pk]),
        reverse("wagtailadmin_pages:unpublish", args=[theirs.pk]),
        reverse("wagtailadmin_pages:move", args=[theirs.pk]),
        reverse("wagtailadmin_pages:copy", args=[theirs.pk]),
        reverse("wagtailadmin_pages:history", args=[theirs.pk]),
        reverse("wagtailadmin_pages:revisions_index", args=[theirs.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[theirs.pk, revision.pk]),
        reverse("wagtailadmin_pages:revisions_revert", args=[theirs.pk, revision.pk]),
    ]
    for url in closed:
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        # Refused outright, or sent away from the page (to the dashboard, with a message).
        assert response.status_code in (403, 404) or f"/pages/{theirs.pk}/" not in final, url
    posted = client.post(
        reverse("wagtailadmin_pages:edit", args=[theirs.pk]),
        homestay_form(theirs, "1.00", "action-publish"),
    )
    assert posted.status_code in (302, 403)
    theirs.refresh_from_db()
    assert theirs.rooms.get().price_per_night == Decimal("35.00")
    assert client.post(reverse("wagtailadmin_pages:delete", args=[theirs.pk])).status_code in (
        302,
        403,
    )
    assert Page.objects.filter(pk=theirs.pk).exists()

    # Their own pages open.
    assert client.get(reverse("wagtailadmin_pages:edit", args=[mine.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:history", args=[mine.pk])).status_code == 200


def test_the_api_keeps_vendors_apart(two_hosts, homestay_owner) -> None:
    _mine, theirs, _other = two_hosts
    api = APIClient()
    api.force_authenticate(homestay_owner)
    titles = [row["title"] for row in api.get("/api/v1/abroad/vendor/listings/").json()["results"]]
    assert titles == ["Casa Hana"]
    room = theirs.rooms.get()
    blocked = api.post(
        f"/api/v1/abroad/vendor/rooms/{room.pk}/blocks/",
        {"check_in": "2030-01-01", "check_out": "2030-01-03"},
    )
    assert blocked.status_code == 403


def test_a_vendors_change_waits_for_a_moderator_then_goes_live(
    client, two_hosts, homestay_owner, moderator
) -> None:
    mine, _theirs, _other = two_hosts
    client.force_login(homestay_owner)
    # Publishing directly is not theirs to do: the change is submitted for review.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[mine.pk]),
        homestay_form(mine, "50.00", "action-submit"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    state = WorkflowState.objects.get(object_id=str(mine.pk))
    assert state.status == "in_progress"
    assert HomestayPage.objects.get(pk=mine.pk).rooms.get().price_per_night == Decimal("35.00")

    client.force_login(moderator)
    task_state = TaskState.objects.get(workflow_state=state, status="in_progress")
    url = reverse("wagtailadmin_pages:workflow_action", args=[mine.pk, "approve", task_state.pk])
    assert client.post(url, {"comment": "Looks good"}).status_code in (200, 302)
    assert HomestayPage.objects.get(pk=mine.pk).rooms.get().price_per_night == Decimal("50.00")


def test_the_vendor_admin_menu_shows_only_their_pages_and_bookings(
    client, two_hosts, homestay_owner
) -> None:
    client.force_login(homestay_owner)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Bookings and requests" in page
    for own in ("Rooms and blocked dates", "Messages", "Earnings and payouts", "Payout method"):
        assert own in page, own
    for hidden in ("Snippets", "Images", "Documents", "Reports", "Settings"):
        assert f">{hidden}<" not in page, hidden
    # Not Wagtail's site summary either: its page count includes other partners' listings.
    assert "w-summary" not in page


@pytest.fixture
def minor_edits_allowed():  # type: ignore[no-untyped-def]
    from abroad.models import AbroadSettings

    settings = AbroadSettings.load()
    settings.minor_edits_skip_review = True
    settings.minor_price_change_percent = 20
    settings.save()
    return settings


def live_homestay(pk: int) -> HomestayPage:
    return HomestayPage.objects.get(pk=pk)


def test_minor_edits_wait_for_review_unless_an_admin_lets_them_skip_it(
    client, two_hosts, homestay_owner
) -> None:
    """Off by default: even a small price change is reviewed."""
    mine, _theirs, _other = two_hosts
    client.force_login(homestay_owner)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[mine.pk]),
        homestay_form(mine, "38.00", "action-submit"),
    )
    assert response.status_code == 302
    assert WorkflowState.objects.get(object_id=str(mine.pk)).status == "in_progress"
    assert live_homestay(mine.pk).rooms.get().price_per_night == Decimal("35.00")


def test_a_minor_edit_goes_live_at_once_when_allowed(
    client, two_hosts, homestay_owner, minor_edits_allowed
) -> None:
    from wagtail.models import PageLogEntry

    mine, _theirs, _other = two_hosts
    client.force_login(homestay_owner)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[mine.pk]),
        homestay_form(mine, "38.00", "action-submit", min_nights="5"),
        follow=True,
    )
    assert response.status_code == 200
    assert "so it is live now" in response.content.decode()
    live = live_homestay(mine.pk)
    assert live.rooms.get().price_per_night == Decimal("38.00")
    assert live.min_nights == 5
    assert not live.has_unpublished_changes
    state = WorkflowState.objects.get(object_id=str(mine.pk))
    assert state.status == "approved"
    task_state = TaskState.objects.get(workflow_state=state)
    assert task_state.finished_by is None  # the platform approved it, not a moderator
    assert "rooms.price_per_night" in task_state.comment
    entry = PageLogEntry.objects.get(page=mine, action="abroad.minor_edit_published")
    assert entry.user == homestay_owner
    assert entry.data["changes"] == ["min_nights", "rooms.price_per_night"]
    # The vendor still cannot publish anything themselves.
    assert not live.permissions_for_user(homestay_owner).can_publish()


@pytest.mark.parametrize(
    ("price", "changes"),
    [
        ("50.00", {}),  # +43 %: beyond the 20 % limit
        ("38.00", {"title": "Casa Hana, now with a garden"}),  # a text changed too
    ],
)
def test_a_bigger_change_still_waits_for_a_moderator(
    client, two_hosts, homestay_owner, minor_edits_allowed, price, changes
) -> None:
    mine, _theirs, _other = two_hosts
    client.force_login(homestay_owner)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[mine.pk]),
        homestay_form(mine, price, "action-submit", **changes),
    )
    assert response.status_code == 302
    assert WorkflowState.objects.get(object_id=str(mine.pk)).status == "in_progress"
    live = live_homestay(mine.pk)
    assert live.rooms.get().price_per_night == Decimal("35.00")
    assert live.title == "Casa Hana"


def test_saving_a_draft_is_not_publishing(
    client, two_hosts, homestay_owner, minor_edits_allowed
) -> None:
    mine, _theirs, _other = two_hosts
    client.force_login(homestay_owner)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[mine.pk]),
        homestay_form(mine, "38.00", "action-save"),
    )
    live = live_homestay(mine.pk)
    assert live.rooms.get().price_per_night == Decimal("35.00")
    assert live.has_unpublished_changes


def test_what_counts_as_minor_on_a_course(make_course, institution) -> None:
    """Seats and new intakes are availability; prices within the limit; a moved start date,
    a removed intake or a bigger fee change is not minor."""
    from datetime import date

    from abroad.minor_edits import minor_changes

    from cms.abroad.models import CourseIntake

    course = make_course(institution, intakes=2)
    live = type(course).objects.get(pk=course.pk)
    first = live.intakes.first()

    def draft():  # type: ignore[no-untyped-def]
        return live.get_latest_revision().as_object()

    edited = draft()
    edited.price_per_week = live.price_per_week * Decimal("1.1")
    kept = list(edited.intakes.all())
    kept[0].seats += 5
    edited.intakes = [*kept, CourseIntake(start_date=date(2031, 1, 6), seats=8)]
    assert minor_changes(live, edited, 20) == ["intakes.seats", "intakes: added", "price_per_week"]

    moved = draft()
    rows = list(moved.intakes.all())
    rows[0].start_date = date(2031, 2, 3)
    moved.intakes = rows
    assert minor_changes(live, moved, 20) is None

    removed = draft()
    removed.intakes = [row for row in removed.intakes.all() if row.pk != first.pk]
    assert minor_changes(live, removed, 20) is None

    fee = draft()
    fee.registration_fee = Decimal(live.registration_fee) + 1000
    assert minor_changes(live, fee, 20) is None
    assert minor_changes(live, draft(), 20) == []


def test_search_the_page_chooser_and_the_admin_api_show_no_other_vendors_pages(
    client, two_hosts, homestay_owner
) -> None:
    _mine, theirs, _other = two_hosts
    # The other host has a draft waiting, its title not yet public.
    draft = theirs.specific
    draft.title = "Casa Olga renovated"
    draft.save_revision()
    client.force_login(homestay_owner)

    def shown(url: str, **params: str) -> str:
        response = client.get(url, params, follow=True)  # the explorer opens their own page
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        return response.content.decode() if response.status_code == 200 else ""

    pages = [
        shown(reverse("wagtailadmin_pages:search"), q="Casa"),
        shown(reverse("wagtailadmin_choose_page"), q="Casa"),
        shown(reverse("wagtailadmin_choose_page_search"), q="Casa"),
        shown(reverse("wagtailadmin_explore_root")),
        shown("/admin/api/main/pages/", search="Casa"),
        shown(f"/admin/api/main/pages/{theirs.pk}/"),
    ]
    assert "Casa Hana" in pages[0]  # their own page is found, in search and in the chooser
    assert "Casa Hana" in pages[2]
    for number, body in enumerate(pages):
        assert "Casa Olga" not in body, number


def test_a_vendor_cannot_answer_another_vendors_booking_request(
    client, make_course, institution, homestay_owner, student
) -> None:
    from abroad import services
    from abroad.models import AbroadBooking, BookingStatus

    course = make_course(institution, booking_mode="request")
    booking = services.hold_booking(learner=student, intake_id=course.intakes.get().pk)
    assert booking.status == BookingStatus.AWAITING_VENDOR
    client.force_login(homestay_owner)
    for answer in ("accept", "decline"):
        response = client.post(
            reverse("abroad-vendor-answer", args=[booking.pk]), {"answer": answer}
        )
        assert response.status_code == 302
    assert AbroadBooking.objects.get(pk=booking.pk).status == BookingStatus.AWAITING_VENDOR
