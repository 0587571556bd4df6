"""A partner's earnings page (as teachers have theirs): their share of each paid booking,
what is available (released when the stay or course ended, as on the ledger) and what is
still pending, their payouts and a payout request through ``payouts``; their own only,
at a fixed query count; linked from their reduced admin menu."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.abroad.vendors import grant_vendor_subtree
from credits.models import AccountKind
from credits.services import user_account
from payouts.models import PayoutRequest
from payouts.services import save_bank_account

pytestmark = pytest.mark.django_db

PAGE = "/abroad/vendor/earnings/"


@pytest.fixture
def earned(completed_package, paid_stay, make_homestay, homestay_owner, other_student):  # type: ignore[no-untyped-def]
    """The host: a package stay that ended (released) and an upcoming paid stay (pending);
    the school: the package's course."""
    upcoming = paid_stay(make_homestay(homestay_owner, title="Casa Pepe"), other_student, 150)
    grant_vendor_subtree(homestay_owner, completed_package["home"])
    return {**completed_package, "upcoming": upcoming}


def test_the_host_sees_their_share_per_booking_available_and_pending_and_nobody_elses(  # type: ignore[no-untyped-def]
    client, earned, homestay_owner, institution
) -> None:
    client.force_login(homestay_owner)
    page = client.get(PAGE)
    assert page.status_code == 200
    [eur] = page.context["balances"]
    released = user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance
    assert released > 0
    assert eur["available"] == released == eur["released"]
    assert eur["pending"] == Decimal("126.00")  # 4 nights at 35, less the 10 % commission
    rows = {str(row["booking"].pk): row for row in page.context["bookings"]}
    assert set(rows) == {str(earned["package"].pk), str(earned["upcoming"].pk)}
    assert {row["kind"] for row in rows.values()} == {"stay"}  # the school's part is not theirs
    assert rows[str(earned["package"].pk)]["earnings"] == released
    html = page.content.decode()
    assert "Intensive Spanish" not in html and institution.email not in html
    assert 'data-testid="pending-EUR">126.00<' in html

    # The school sees only its course part.
    client.force_login(institution)
    school = client.get(PAGE)
    [course] = school.context["bookings"]
    assert course["kind"] == "course" and str(course["booking"].pk) == str(earned["package"].pk)
    assert "Casa Pepe" not in school.content.decode()


def test_the_page_query_count_does_not_grow_with_bookings(  # type: ignore[no-untyped-def]
    client, earned, paid_stay, homestay_owner, student, make_homestay
) -> None:
    client.force_login(homestay_owner)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    for number in range(3):
        paid_stay(make_homestay(homestay_owner, title=f"Casa {number}"), student, 60 + 7 * number)
    with CaptureQueriesContext(connection) as many:
        page = client.get(PAGE)
    assert len(page.context["bookings"]) == 5
    assert len(many) == len(few)


def test_the_host_requests_a_payout_of_what_is_available(  # type: ignore[no-untyped-def]
    client, earned, homestay_owner
) -> None:
    client.force_login(homestay_owner)
    available = user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance
    form = {"amount": str(available), "currency": "EUR", "key": "k1"}
    refused = client.post(PAGE, form)
    assert refused.status_code == 400 and "bank details" in refused.content.decode()
    save_bank_account(
        homestay_owner,
        holder="Lucía",
        number="DE89 3704 0044 0532 0130 00",
        bank_name="X",
        country="DE",
    )
    too_much = client.post(PAGE, {**form, "amount": str(available + 1), "key": "k2"})
    assert too_much.status_code == 400 and not PayoutRequest.objects.exists()
    assert client.post(PAGE, form).status_code == 302
    assert client.post(PAGE, form).status_code == 302  # the same form again: one payout
    [payout] = PayoutRequest.objects.filter(payee=homestay_owner)
    assert payout.amount == available and payout.currency == "EUR"
    page = client.get(PAGE)
    assert page.context["balances"][0]["available"] == 0
    assert f"{payout.amount} EUR" in page.content.decode()


def test_the_partners_admin_menu_links_to_their_earnings(  # type: ignore[no-untyped-def]
    client, earned, homestay_owner, student
) -> None:
    client.force_login(homestay_owner)
    admin = client.get("/admin/").content.decode()
    assert f'"{PAGE}"' in admin and "Earnings and payouts" in admin  # the sidebar's JSON
    assert f'href="{PAGE}"' in client.get("/abroad/vendor/").content.decode()
    client.force_login(student)
    page = client.get(PAGE)
    assert page.status_code == 200 and page.context["bookings"] == []
