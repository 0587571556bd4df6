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


def homestay_form(page: HomestayPage, price: str, action: str) -> dict:  # type: ignore[type-arg]
    room = page.rooms.get()
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "host_profile": page.host_profile,
            "photo": "",
            "address": page.address,
            "latitude": str(page.latitude),
            "longitude": str(page.longitude),
            "meals": page.meals,
            "meals_notes": "",
            "house_rules": "",
            "min_nights": page.min_nights,
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
    for hidden in ("Snippets", "Images", "Documents", "Reports", "Settings"):
        assert f">{hidden}<" not in page, hidden
