"""The study-abroad website on the demo data: search (list and offline map), detail pages
with seats left and the calendar, wishlist, compare, booking a package and the pay page,
My trips; and the demo data itself (believable, owned by the vendor logins, idempotent)."""

from datetime import UTC, timedelta

import pytest
from abroad.models import (
    AbroadBooking,
    AbroadReview,
    ApplicationStatus,
    BookingStatus,
    RoomStay,
    VendorApplication,
)
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.abroad.models import CoursePage, DestinationPage, HomestayPage, InstitutePage
from credits.models import AccountKind, LedgerAccount

pytestmark = pytest.mark.django_db


def load() -> list[str]:
    from abroad.demo import DEMO_STEPS as abroad_steps

    from accounts.demo import DEMO_STEPS as accounts_steps
    from cms.abroad.demo import DEMO_STEPS as pages_steps
    from cms.abroad.testing import ensure_wagtail_root
    from cms.site.demo import DEMO_STEPS as site_steps

    ensure_wagtail_root()
    return [step() for step in (*accounts_steps, *site_steps, *pages_steps, *abroad_steps)]


@pytest.fixture
def demo() -> None:
    load()


def test_demo_data_is_believable_owned_and_idempotent() -> None:
    first = load()
    second = load()
    assert "3 destinations, 4 institutes, 8 courses, 4 homestays" in first[-4]
    assert second[-4] == "study abroad: already there"
    users = get_user_model().objects
    institution = users.get(email="institution@toto.localhost")
    host = users.get(email="homestay@toto.localhost")
    assert DestinationPage.objects.live().count() == 3
    assert InstitutePage.objects.filter(owner=institution).count() == 4
    assert CoursePage.objects.filter(owner=institution).count() == 8
    assert HomestayPage.objects.filter(owner=host).count() == 4
    assert RoomStay.objects.filter(booking__isnull=True).count() == 3
    waiting = AbroadBooking.objects.get(status=BookingStatus.AWAITING_VENDOR)
    assert waiting.stay_vendor == host

    # Two past stays of the student, completed (the host was paid) and reviewed; the host
    # answered one review, the other waits on their dashboard.
    assert "2 past stays reviewed" in first[-2]
    assert second[-2:] == [
        "study abroad reviews: already there",
        "study abroad partner application: already there",
    ]
    student = users.get(email="student@toto.localhost")
    past = AbroadBooking.objects.filter(learner=student, status=BookingStatus.COMPLETED)
    assert past.count() == 2 and all(booking.vendors_paid_at for booking in past)
    reviews = AbroadReview.objects.filter(author=student).order_by("created_at")
    assert [(r.rating, bool(r.vendor_reply)) for r in reviews] == [(5, True), (4, False)]
    assert all(r.page.owner_id == host.pk for r in reviews)
    # Dated after each stay, not all "today": written two days after check-out, answered a
    # day later.
    for review in reviews:
        assert timezone.localdate(review.created_at) == review.booking.check_out + timedelta(days=2)
        assert review.created_at < timezone.now() - timedelta(days=30)
    assert reviews[0].replied_at - reviews[0].created_at == timedelta(days=1)
    earnings = LedgerAccount.objects.get(owner=host, kind=AccountKind.EARNINGS, currency="EUR")
    assert earnings.balance > 0

    # One partner application waits for verification, its account encrypted.
    application = VendorApplication.objects.get(status=ApplicationStatus.PENDING)
    assert application.user.email == "pilar@toto.localhost"
    assert set(application.documents.values_list("kind", flat=True)) == {"id", "address"}
    assert application.masked_payout_account == "•••• 5766"


def test_search_lists_courses_and_homestays_and_draws_the_offline_map(client, demo) -> None:
    response = client.get("/abroad/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Intensive Spanish" in page and "General English" in page
    assert "8 results" in page
    madrid = DestinationPage.objects.get(slug="madrid")
    only_madrid = client.get(f"/abroad/?destination={madrid.pk}&language=es").content.decode()
    assert "2 results" in only_madrid and "General English" not in only_madrid
    homes = client.get("/abroad/?kind=homestays&meals=full_board").content.decode()
    assert "Finca Los Olivos" in homes and "1 result" in homes
    drawn = client.get("/abroad/?layout=map").content.decode()
    assert drawn.count("<circle") == 4  # the four schools
    assert "tile" not in drawn.lower()
    bad = client.get("/abroad/?weeks=0")
    assert bad.status_code == 200
    assert "has-error" in bad.content.decode()


def test_result_cards_show_drawn_photos_with_two_queries_for_all_cards(client, demo) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/abroad/")  # renditions are made on the first view
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/abroad/").content.decode()
    assert page.count('class="abroad-card-photo"') == 8  # each course, its school's photo
    # One query for the images and one for their renditions, however many cards.
    for table in ("wagtailimages_image", "wagtailimages_rendition"):
        assert sum(f'FROM "{table}"' in query["sql"] for query in queries) == 1, table
    homes = client.get("/abroad/?kind=homestays").content.decode()
    assert homes.count('class="abroad-card-photo"') == 4
    # Drawn like the lesson covers (core.artwork), not a flat box of one colour.
    from PIL import Image as PILImage

    photo = HomestayPage.objects.live().first().photo
    with photo.file.open() as file, PILImage.open(file) as picture:
        assert len(picture.convert("RGB").getcolors(maxcolors=100_000) or []) > 200


def test_a_learner_compares_saves_books_a_package_and_sees_it_in_my_trips(client, demo) -> None:
    student = get_user_model().objects.get(email="student@toto.localhost")
    client.force_login(student)
    course = CoursePage.objects.get(slug="intensive-spanish")
    homestay = HomestayPage.objects.get(slug="casa-lucia")
    detail = client.get(course.url).content.decode()
    assert 'data-testid="seats-left"' in detail
    assert "Casa Lucía in Chamberí — Blue room" in detail  # rooms nearby for a package
    calendar = client.get(homestay.url).content.decode()
    assert "abroad-day-blocked" in calendar

    for page in (course, homestay):
        client.post("/abroad/compare/toggle/", {"page": page.pk, "next": "/abroad/compare/"})
    client.post("/abroad/wishlist/toggle/", {"page": course.pk})
    compared = client.get("/abroad/compare/?weeks=2&nights=14").content.decode()
    assert "555.00 EUR" in compared  # 2 x 230 + 60 + 35
    assert "448.00 EUR" in compared  # 14 nights in the cheaper room (32)
    assert "Intensive Spanish" in client.get("/abroad/wishlist/").content.decode()

    intake = course.intakes.order_by("start_date").first()
    room = homestay.rooms.get(name="Blue room")
    check_in = intake.start_date - timedelta(days=2)  # a Saturday
    response = client.post(
        "/abroad/book/",
        {
            "intake": intake.pk,
            "weeks": 2,
            "room": room.pk,
            "check_in": check_in.isoformat(),
            "check_out": (check_in + timedelta(days=14)).isoformat(),
            "next": course.url,
        },
    )
    booking = AbroadBooking.objects.get(learner=student, course=course)
    assert response.status_code == 302
    assert response["Location"] == f"/abroad/trips/{booking.pk}/pay/"
    assert booking.kind == "package" and booking.status == BookingStatus.HELD
    trips = client.get("/abroad/trips/").content.decode()
    assert "Intensive Spanish + Casa Lucía in Chamberí" in trips
    assert client.get(f"/abroad/trips/{booking.pk}/").status_code == 200
    other = get_user_model().objects.get(email="teacher@toto.localhost")
    client.force_login(other)
    assert client.get(f"/abroad/trips/{booking.pk}/").status_code == 404


def test_the_pay_page_offers_the_demo_card_on_a_fresh_install(client, demo, settings) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    student = get_user_model().objects.get(email="student@toto.localhost")
    client.force_login(student)
    intake = CoursePage.objects.get(slug="general-english").intakes.first()
    client.post("/abroad/book/", {"intake": intake.pk, "weeks": 1})
    booking = AbroadBooking.objects.get(learner=student, course__slug="general-english")
    page = client.get(f"/abroad/trips/{booking.pk}/pay/").content.decode()
    assert 'data-testid="demo-pay"' in page
    assert "355.00" in page  # 260 + 60 + 35


def test_the_host_answers_a_request_on_their_page(client, demo) -> None:
    host = get_user_model().objects.get(email="homestay@toto.localhost")
    waiting = AbroadBooking.objects.get(status=BookingStatus.AWAITING_VENDOR)
    client.force_login(get_user_model().objects.get(email="institution@toto.localhost"))
    assert "No requests waiting." in client.get("/abroad/vendor/").content.decode()
    client.force_login(host)
    dashboard = client.get("/abroad/vendor/").content.decode()
    assert "Finca Los Olivos" in dashboard
    # Their payout method is one click away, on the website and in their admin menu.
    assert 'href="/payouts/method/"' in dashboard
    assert client.get("/payouts/method/").status_code == 200
    assert '"/payouts/method/"' in client.get("/admin/").content.decode()
    client.post(f"/abroad/vendor/{waiting.pk}/answer/", {"answer": "accept"})
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.HELD


def test_the_demo_loads_late_in_the_evening_utc(monkeypatch) -> None:
    """A first `make run` at 23:12 UTC failed: a past stay's check-in, "the day after" by the
    server's date, was already today at a homestay in a zone ahead of UTC."""
    from datetime import datetime, time

    late = datetime.combine(timezone.now().date(), time(23, 30), tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    steps = load()
    assert "2 past stays reviewed" in steps[-2]
