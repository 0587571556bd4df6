"""Reads of the study-abroad catalogue and bookings, permission-checked where private.

Listings are the live pages of the active locale. A page's destination and institute are
found by tree path (one query for a whole page of results), seats left are annotated on the
intakes in the same prefetch, so list endpoints cost a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from wagtail.models import Locale, Page

from accounts.models import User
from cms.abroad.models import (
    LEVEL_ORDER,
    CourseIntake,
    CoursePage,
    DestinationPage,
    HomestayPage,
    HomestayRoom,
    InstitutePage,
    InstitutePhoto,
    NearbyInstitute,
)

from . import pricing
from .errors import NotAllowed, NotBookable
from .models import (
    ACTIVE_STATUSES,
    AbroadBooking,
    AbroadReview,
    ReviewStatus,
    RoomStay,
    VendorApplication,
    VendorDocument,
    WishlistItem,
)

STEPLEN = Page.steplen


def _locale() -> Locale:
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def _live(model: Any) -> Any:
    return model.objects.live().public().filter(locale=_locale())


def intakes_with_seats() -> QuerySet[CourseIntake]:
    taken = (
        # Bookings are pinned to the source locale's intake (``services.source_intake``):
        # a translated course's copy of an intake shows the seats taken on its source.
        AbroadBooking.objects.filter(
            intake__page__translation_key=OuterRef("page__translation_key"),
            intake__start_date=OuterRef("start_date"),
            status__in=ACTIVE_STATUSES,
        )
        .values("intake__start_date")
        .annotate(total=Sum("seats"))
        .values("total")
    )
    return CourseIntake.objects.annotate(
        seats_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))
    ).order_by("start_date", "sort_order")


def seats_left(intake: CourseIntake) -> int:
    taken = getattr(intake, "seats_taken", None)
    if taken is None:
        taken = (
            AbroadBooking.objects.filter(intake=intake, status__in=ACTIVE_STATUSES).aggregate(
                total=Sum("seats")
            )["total"]
            or 0
        )
    return max(intake.seats - int(taken), 0)


def attach_ancestors(pages: Sequence[Page]) -> None:
    """Sets ``destination`` (and ``institute`` on courses) on each page with one query."""
    paths = set()
    for page in pages:
        for depth in range(page.depth - 1, 1, -1):
            paths.add(page.path[: depth * STEPLEN])
    by_path = {
        page.path: page
        for page in Page.objects.filter(path__in=paths).only(
            "id", "path", "depth", "title", "slug", "url_path", "content_type_id"
        )
    }
    destination_type = DestinationPage._meta.label_lower
    institute_type = InstitutePage._meta.label_lower
    types = _content_types()
    for page in pages:
        page.destination = None
        page.institute = None
        for depth in range(page.depth - 1, 1, -1):
            ancestor = by_path.get(page.path[: depth * STEPLEN])
            if ancestor is None:
                continue
            label = types.get(ancestor.content_type_id)
            if label == destination_type:
                page.destination = ancestor
            elif label == institute_type:
                page.institute = ancestor


CARD_PHOTO = "fill-640x360"


def attach_card_photos(pages: Sequence[Page]) -> None:
    """Sets ``card_photo`` on each result (after ``attach_ancestors``): a homestay's photo,
    a course's first institute photo, with the card's rendition: two queries for a page of
    results (the photos, the images with their renditions)."""
    from wagtail.images import get_image_model

    institute_ids = {page.institute.pk for page in pages if getattr(page, "institute", None)}
    first_photo: dict[int, int] = {}
    for page_id, image_id in (
        InstitutePhoto.objects.filter(page_id__in=institute_ids)
        .order_by("page_id", "sort_order")
        .values_list("page_id", "image_id")
    ):
        first_photo.setdefault(page_id, image_id)

    def image_id_of(page: Any) -> int | None:
        if isinstance(page, HomestayPage):
            return page.photo_id
        institute = getattr(page, "institute", None)
        return first_photo.get(institute.pk) if institute else None

    wanted = {image_id_of(page) for page in pages} - {None}
    images = (
        {
            image.pk: image
            for image in get_image_model()
            .objects.filter(pk__in=wanted)
            .prefetch_renditions(CARD_PHOTO)
        }
        if wanted
        else {}
    )
    for page in pages:
        page.card_photo = images.get(image_id_of(page))


def _content_types() -> dict[int, str]:
    from django.contrib.contenttypes.models import ContentType

    return {
        ContentType.objects.get_for_model(model).pk: model._meta.label_lower
        for model in (DestinationPage, InstitutePage)
    }


def destinations() -> QuerySet[DestinationPage]:
    return _live(DestinationPage).order_by("title")


def destination(pk: Any) -> DestinationPage | None:
    return destinations().filter(pk=pk).first()


def _under(queryset: Any, destination_id: Any) -> Any:
    place = destinations().filter(pk=destination_id).first()
    if place is None:
        return queryset.none()
    return queryset.filter(path__startswith=place.path)


def institutes(*, destination_id: Any = None, language: str = "") -> QuerySet[InstitutePage]:
    queryset = _live(InstitutePage).prefetch_related("photos__image")
    if destination_id:
        queryset = _under(queryset, destination_id)
    if language:
        queryset = queryset.filter(languages__icontains=language)
    return queryset.order_by("title")


def level_q(level: str) -> Q:
    if level not in LEVEL_ORDER:
        raise NotBookable("Unknown level.")
    index = LEVEL_ORDER.index(level)
    return Q(level_min__in=LEVEL_ORDER[: index + 1], level_max__in=LEVEL_ORDER[index:])


COURSE_ORDERINGS = {
    "price": ("price_for_weeks", "title"),
    "-price": ("-price_for_weeks", "title"),
    "title": ("title",),
    "popularity": ("-popularity", "title"),
    "start_date": ("next_start", "title"),
    "rating": (F("rating").desc(nulls_last=True), "-rating_count", "title"),
}


def courses(
    *,
    destination_id: Any = None,
    language: str = "",
    course_type: str = "",
    level: str = "",
    start_from: date | None = None,
    weeks: int | None = None,
    budget: Decimal | None = None,
    ordering: str = "price",
) -> QuerySet[CoursePage]:
    queryset = _live(CoursePage)
    if destination_id:
        queryset = _under(queryset, destination_id)
    if language:
        queryset = queryset.filter(language=language)
    if course_type:
        queryset = queryset.filter(course_type=course_type)
    if level:
        queryset = queryset.filter(level_q(level))
    if weeks:
        queryset = queryset.filter(weeks_min__lte=weeks, weeks_max__gte=weeks)
    if start_from:
        queryset = queryset.filter(intakes__start_date__gte=start_from).distinct()
    weeks_for_price = Value(weeks or 1)
    popularity = (
        AbroadBooking.objects.filter(course=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = queryset.annotate(
        price_for_weeks=ExpressionWrapper(
            F("price_per_week") * weeks_for_price + F("registration_fee") + F("material_fee"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        popularity=Coalesce(Subquery(popularity, output_field=IntegerField()), Value(0)),
        next_start=Min("intakes__start_date"),
        **rating_subqueries(),
    )
    if budget is not None:
        queryset = queryset.filter(price_for_weeks__lte=budget)
    return queryset.prefetch_related(Prefetch("intakes", queryset=intakes_with_seats())).order_by(
        *COURSE_ORDERINGS.get(ordering, COURSE_ORDERINGS["price"])
    )


HOMESTAY_ORDERINGS = {
    "price": ("price_from", "title"),
    "-price": ("-price_from", "title"),
    "title": ("title",),
    "popularity": ("-popularity", "title"),
    "rating": (F("rating").desc(nulls_last=True), "-rating_count", "title"),
    # Nearest to the chosen institute (or to any institute), unknown distances last.
    "distance": (F("distance").asc(nulls_last=True), "title"),
}


def free_room_ids(room_ids: Iterable[int], check_in: date, check_out: date) -> set[int]:
    busy = set(
        RoomStay.objects.filter(
            room_id__in=list(room_ids),
            active=True,
            check_in__lt=check_out,
            check_out__gt=check_in,
        ).values_list("room_id", flat=True)
    )
    return set(room_ids) - busy


def homestays(
    *,
    destination_id: Any = None,
    room_type: str = "",
    meals: str = "",
    budget_per_night: Decimal | None = None,
    check_in: date | None = None,
    check_out: date | None = None,
    institute_id: Any = None,
    ordering: str = "price",
) -> QuerySet[HomestayPage]:
    queryset = _live(HomestayPage)
    if destination_id:
        queryset = _under(queryset, destination_id)
    rooms = HomestayRoom.objects.all()
    if room_type:
        rooms = rooms.filter(room_type=room_type)
    if budget_per_night is not None:
        rooms = rooms.filter(price_per_night__lte=budget_per_night)
    if check_in and check_out:
        rooms = rooms.exclude(
            stays__active=True, stays__check_in__lt=check_out, stays__check_out__gt=check_in
        )
    if room_type or budget_per_night is not None or (check_in and check_out):
        queryset = queryset.filter(rooms__in=rooms).distinct()
    if meals:
        queryset = queryset.filter(meals=meals)
    nearby = NearbyInstitute.objects.filter(page=OuterRef("pk"))
    if institute_id:
        nearby = nearby.filter(institute_id=institute_id)
        queryset = queryset.filter(nearby__institute_id=institute_id).distinct()
    popularity = (
        AbroadBooking.objects.filter(homestay=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .values("homestay")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = queryset.annotate(
        price_from=Min("rooms__price_per_night"),
        popularity=Coalesce(Subquery(popularity, output_field=IntegerField()), Value(0)),
        distance=Subquery(
            nearby.order_by("distance_km").values("distance_km")[:1],
            output_field=DecimalField(max_digits=5, decimal_places=1),
        ),
        **rating_subqueries(),
    )
    return queryset.prefetch_related(
        Prefetch("rooms", queryset=HomestayRoom.objects.order_by("sort_order"))
    ).order_by(*HOMESTAY_ORDERINGS.get(ordering, HOMESTAY_ORDERINGS["price"]))


def listing(pk: Any) -> CoursePage | HomestayPage | None:
    page = Page.objects.live().public().filter(pk=pk).type(CoursePage, HomestayPage).first()
    return page.specific if page else None


def availability(homestay: HomestayPage, start: date, end: date) -> list[dict[str, Any]]:
    """Each room's occupied ranges between ``start`` and ``end`` (booked or blocked)."""
    rooms = list(homestay.rooms.order_by("sort_order"))
    stays = RoomStay.objects.filter(
        room__in=rooms, active=True, check_in__lt=end, check_out__gt=start
    ).order_by("check_in")
    by_room: dict[int, list[dict[str, Any]]] = {room.pk: [] for room in rooms}
    for stay in stays:
        by_room[stay.room_id].append(
            {
                "check_in": stay.check_in,
                "check_out": stay.check_out,
                "kind": "blocked" if stay.booking_id is None else "booked",
            }
        )
    return [
        {
            "id": room.pk,
            "name": room.name,
            "room_type": room.room_type,
            "price_per_night": room.price_per_night,
            "busy": by_room[room.pk],
        }
        for room in rooms
    ]


# --- Compare ---------------------------------------------------------------------------------

MAX_COMPARE = 4


def compare(
    ids: Sequence[int], *, weeks: int | None = None, nights: int | None = None
) -> list[dict[str, Any]]:
    """Up to four courses or homestays side by side: price for the chosen weeks or nights
    including fees, and what is included."""
    if not ids or len(ids) > MAX_COMPARE:
        raise NotBookable(f"Compare from 1 to {MAX_COMPARE} courses or homestays.")
    pages = {
        page.pk: page.specific
        for page in Page.objects.live()
        .public()
        .filter(pk__in=ids)
        .type(CoursePage, HomestayPage)
        .specific()
    }
    # The cheapest room of each homestay, in one query rather than one per homestay.
    cheapest_rooms = dict(
        HomestayRoom.objects.filter(page_id__in=list(pages))
        .values("page_id")
        .annotate(cheapest=Min("price_per_night"))
        .values_list("page_id", "cheapest")
    )
    ratings = dict(
        AbroadReview.objects.filter(page_id__in=list(pages), status=ReviewStatus.PUBLISHED)
        .values("page")
        .annotate(avg=Avg("rating"))
        .values_list("page", "avg")
    )
    rows: list[dict[str, Any]] = []
    for pk in ids:
        page = pages.get(pk)
        if page is None:
            continue
        if isinstance(page, CoursePage):
            chosen = min(max(weeks or page.weeks_min, page.weeks_min), page.weeks_max)
            rows.append(
                {
                    "id": page.pk,
                    "kind": "course",
                    "title": page.title,
                    "url": page.url,
                    "currency": page.currency,
                    "units": chosen,
                    "unit": "weeks",
                    "base": (page.price_per_week * chosen).quantize(pricing.CENT),
                    "fees": page.registration_fee + page.material_fee,
                    "total": pricing.course_total(page, chosen),
                    "included": [
                        f"{page.lessons_per_week} lessons a week",
                        f"Level {page.level_min} to {page.level_max}",
                    ],
                    "cancellation_policy": page.cancellation_policy,
                    "booking_mode": page.booking_mode,
                    "rating": _rounded(ratings.get(page.pk)),
                }
            )
        else:
            chosen = min(max(nights or page.min_nights, page.min_nights), page.max_nights)
            cheapest = cheapest_rooms.get(page.pk)
            base = (cheapest * chosen).quantize(pricing.CENT) if cheapest is not None else None
            rows.append(
                {
                    "id": page.pk,
                    "kind": "homestay",
                    "title": page.title,
                    "url": page.url,
                    "currency": page.currency,
                    "units": chosen,
                    "unit": "nights",
                    "base": base,
                    "fees": Decimal("0.00"),
                    "total": base,
                    "included": [page.get_meals_display()],
                    "cancellation_policy": page.cancellation_policy,
                    "booking_mode": page.booking_mode,
                    "rating": _rounded(ratings.get(page.pk)),
                }
            )
    return rows


# --- Bookings and wishlists ------------------------------------------------------------------


def _bookings() -> QuerySet[AbroadBooking]:
    return AbroadBooking.objects.select_related("course", "homestay", "room", "intake")


def bookings_of(user: User) -> QuerySet[AbroadBooking]:
    return _bookings().filter(learner=user)


def own_booking(user: User, pk: Any) -> AbroadBooking:
    booking = bookings_of(user).filter(pk=pk).first()
    if booking is None:
        raise NotAllowed("No booking of yours with that id.")
    return booking


def vendor_bookings(vendor: User) -> QuerySet[AbroadBooking]:
    return (
        _bookings()
        .select_related("learner")
        .filter(Q(course_vendor=vendor) | Q(stay_vendor=vendor))
    )


def vendor_listings(vendor: User) -> QuerySet[Page]:
    return (
        Page.objects.filter(owner=vendor)
        .type(InstitutePage, CoursePage, HomestayPage)
        .select_related("content_type")
        .order_by("path")
    )


def vendor_room(vendor: User, pk: Any) -> HomestayRoom:
    room = HomestayRoom.objects.select_related("page").filter(pk=pk, page__owner=vendor).first()
    if room is None:
        raise NotAllowed("This is not one of your rooms.")
    return room


def vendor_calendar(vendor: User, start: date, end: date) -> list[dict[str, Any]]:
    """The host's rooms, each with its booked and blocked nights between ``start`` and
    ``end``: two queries, however many homestays, rooms and stays."""
    rooms = list(
        HomestayRoom.objects.filter(page__owner=vendor)
        .select_related("page")
        .order_by("page__title", "sort_order")
    )
    stays = (
        RoomStay.objects.filter(room__in=rooms, active=True, check_in__lt=end, check_out__gt=start)
        .select_related("booking__learner")
        .order_by("check_in")
    )
    by_room: dict[int, list[RoomStay]] = {room.pk: [] for room in rooms}
    for stay in stays:
        by_room[stay.room_id].append(stay)
    return [{"room": room, "stays": by_room[room.pk]} for room in rooms]


def wishlist_of(user: User) -> QuerySet[WishlistItem]:
    return WishlistItem.objects.filter(user=user).select_related("page")


def wishlist_page_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(WishlistItem.objects.filter(user=user).values_list("page_id", flat=True))


# --- Partners --------------------------------------------------------------------------------


def latest_application(user: User) -> VendorApplication | None:
    return (
        VendorApplication.objects.filter(user=user)
        .select_related("destination")
        .prefetch_related("documents")
        .first()
    )


def readable_document(user: User, pk: Any) -> VendorDocument | None:
    """The document if ``user`` is its applicant or may verify applications."""
    document = VendorDocument.objects.select_related("application").filter(pk=pk).first()
    if document is None:
        return None
    if document.application.user_id == user.pk or user.is_superuser:
        return document
    if user.has_perm("abroad.view_vendorapplication"):
        return document
    return None


# --- Reviews ---------------------------------------------------------------------------------


def rating_subqueries() -> dict[str, Any]:
    """The average rating and count of a listing's published reviews, as SQL subqueries to
    annotate pages with (the aggregates are never stored, so they never drift)."""
    published = AbroadReview.objects.filter(
        page=OuterRef("pk"), status=ReviewStatus.PUBLISHED
    ).values("page")
    return {
        "rating": Subquery(
            published.annotate(avg=Avg("rating")).values("avg"),
            output_field=DecimalField(max_digits=3, decimal_places=2),
        ),
        "rating_count": Coalesce(
            Subquery(published.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            Value(0),
        ),
    }


def _rounded(value: Any) -> float | None:
    return round(float(value), 2) if value is not None else None


def rating_of(page_id: int) -> dict[str, Any]:
    result = AbroadReview.objects.filter(page_id=page_id, status=ReviewStatus.PUBLISHED).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    return {"average": result["average"], "count": result["count"]}


def published_reviews(page_id: int) -> QuerySet[AbroadReview]:
    return AbroadReview.objects.filter(
        page_id=page_id, status=ReviewStatus.PUBLISHED
    ).select_related("author")


def reviewable_pages(booking: AbroadBooking) -> list[Page]:
    """The listings of a completed booking that its learner has not reviewed yet."""
    from .models import BookingStatus

    if booking.status != BookingStatus.COMPLETED:
        return []
    done = set(AbroadReview.objects.filter(booking=booking).values_list("page_id", flat=True))
    pages = [page for page in (booking.course, booking.homestay) if page is not None]
    return [page for page in pages if page.pk not in done]


def reviews_to_answer(vendor: User) -> QuerySet[AbroadReview]:
    return AbroadReview.objects.filter(
        page__owner=vendor, replied_at__isnull=True, status=ReviewStatus.PUBLISHED
    ).select_related("page", "author")


# --- Occupancy and revenue (admin report, vendor dashboard) ----------------------------------

SOLD_STATUSES = ("confirmed", "paid", "completed")


def report_pages(vendor: User | None = None) -> QuerySet[Page]:
    """Courses and homestays (live or not), by path; a vendor's own only when given."""
    pages = Page.objects.type(CoursePage, HomestayPage).select_related("owner", "content_type")
    if vendor is not None:
        pages = pages.filter(owner=vendor)
    return pages.order_by("path")


def _overlap_days(first: date, last: date, start: date, end: date) -> int:
    """Days of [first, last) inside [start, end)."""
    return max((min(last, end) - max(first, start)).days, 0)


def occupancy_rows(pages: Sequence[Page], start: date, end: date) -> list[dict[str, Any]]:
    """For each course or homestay in ``pages``, over the nights or course days in
    [start, end): bookings sold, what they sold (seats or nights), capacity, occupancy in
    percent and the sold value in the listing's currency. Three queries, whatever the
    number of pages."""
    from django.contrib.contenttypes.models import ContentType

    ids = [page.pk for page in pages]
    homestay_type = ContentType.objects.get_for_model(HomestayPage).pk  # cached
    bookings: list[Any] = list(
        AbroadBooking.objects.filter(status__in=SOLD_STATUSES)
        .filter(Q(course_id__in=ids) | Q(homestay_id__in=ids))
        .filter(
            Q(course_start__lt=end, course_end__gte=start)
            | Q(check_in__lt=end, check_out__gt=start)
        )
        .values(
            "course_id",
            "homestay_id",
            "seats",
            "course_start",
            "course_end",
            "course_amount",
            "check_in",
            "check_out",
            "stay_amount",
            "currency",
        )
    )
    rooms = dict(
        HomestayRoom.objects.filter(page_id__in=ids)
        .values("page")
        .annotate(n=Count("pk"))
        .values_list("page", "n")
    )
    seats_offered: dict[int, int] = {}
    for page_id, seats in CourseIntake.objects.filter(
        page_id__in=ids, start_date__gte=start, start_date__lt=end
    ).values_list("page_id", "seats"):
        seats_offered[page_id] = seats_offered.get(page_id, 0) + seats
    days = max((end - start).days, 1)
    rows = []
    for page in pages:
        kind = "homestay" if page.content_type_id == homestay_type else "course"
        sold = 0
        count = 0
        value = Decimal(0)
        currency = ""
        for booking in bookings:
            if kind == "course" and booking["course_id"] == page.pk:
                count += 1
                value += booking["course_amount"]
                if start <= booking["course_start"] < end:
                    sold += booking["seats"]
            elif kind == "homestay" and booking["homestay_id"] == page.pk:
                count += 1
                value += booking["stay_amount"]
                sold += _overlap_days(booking["check_in"], booking["check_out"], start, end)
            else:
                continue
            currency = booking["currency"]
        capacity = (
            rooms.get(page.pk, 0) * days if kind == "homestay" else seats_offered.get(page.pk, 0)
        )
        rows.append(
            {
                "page": page,
                "title": page.title,
                "kind": kind,
                "vendor": page.owner.email if page.owner else "",
                "bookings": count,
                "sold": sold,
                "capacity": capacity,
                "occupancy": round(100 * sold / capacity) if capacity else 0,
                "revenue": value,
                "currency": currency,
            }
        )
    return rows


# --- Bookings and payments by vendor (admin report, vendor earnings) ----------------------

#: Bookings that moved money: paid (deposit or all), completed, or cancelled after paying.
MONEY_FIELDS = (
    "id",
    "status",
    "currency",
    "total",
    "course_amount",
    "stay_amount",
    "amount_paid",
    "refunded_amount",
    "course_vendor_id",
    "stay_vendor_id",
    "vendors_paid_at",
)


def money_bookings(
    *, vendor: Any = None, start: date | None = None, end: date | None = None
) -> QuerySet[AbroadBooking]:
    """Bookings a learner paid something for, newest first; a vendor's (their course or
    stay part) only when given; booked in [start, end) when given."""
    bookings = AbroadBooking.objects.filter(amount_paid__gt=0)
    if vendor is not None:
        bookings = bookings.filter(Q(course_vendor=vendor) | Q(stay_vendor=vendor))
    if start is not None:
        bookings = bookings.filter(created_at__date__gte=start)
    if end is not None:
        bookings = bookings.filter(created_at__date__lt=end)
    return bookings.order_by("-created_at", "pk")


def _vendor_parts(
    booking: AbroadBooking, percents: dict[str, int], vendor_id: Any = None
) -> list[dict[str, Any]]:
    """The booking's money per vendor part: what was paid for it (gross), refunded, the
    platform's commission and the vendor's earnings on what was kept (``pricing``'s split,
    the ledger's), and whether the earnings reached the vendor's balance yet."""
    kept = {
        part.kind: part
        for part in pricing.vendor_shares(
            booking, booking.amount_paid - booking.refunded_amount, percents
        )
    }
    parts = []
    for gross in pricing.vendor_shares(booking, booking.amount_paid, percents):
        if vendor_id is not None and str(gross.vendor_id) != str(vendor_id):
            continue
        net = kept.get(gross.kind)
        share = net.share if net else Decimal(0)
        parts.append(
            {
                "kind": gross.kind,
                "vendor_id": gross.vendor_id,
                "gross": gross.share,
                "refunded": gross.share - share,
                "commission": net.commission if net else Decimal(0),
                "earnings": net.earnings if net else Decimal(0),
                "paid_out": booking.vendors_paid_at is not None,
            }
        )
    return parts


def vendor_money_rows(
    bookings: Sequence[AbroadBooking], percents: dict[str, int], vendor_id: Any = None
) -> list[dict[str, Any]]:
    """One row per booking and vendor part (a package has two), with the booking's
    payments (one query for the page; ``bookings`` come with learner, vendors and pages)."""
    from payments.selectors import payments_of_items

    from .payments import PURPOSE

    payments = payments_of_items(
        purpose=PURPOSE, key="booking", values=[str(booking.pk) for booking in bookings]
    )
    rows = []
    for booking in bookings:
        vendors = {booking.course_vendor_id: booking.course_vendor}
        vendors[booking.stay_vendor_id] = booking.stay_vendor
        paid_with = payments.get(str(booking.pk), [])
        for part in _vendor_parts(booking, percents, vendor_id):
            vendor = vendors.get(part["vendor_id"])
            page = booking.course if part["kind"] == "course" else booking.homestay
            rows.append(
                {
                    **part,
                    "booking": booking,
                    "booked": booking.created_at,
                    "listing": page.title if page is not None else "",
                    "learner": booking.learner.email,
                    "vendor": vendor.email if vendor is not None else "",
                    "status": booking.get_status_display(),
                    "currency": booking.currency,
                    "payments": "; ".join(
                        f"{payment.provider} {payment.amount} {payment.get_status_display()}"
                        for payment in paid_with
                    ),
                    "payment_list": paid_with,
                }
            )
    return rows


def vendor_money_totals(
    bookings: QuerySet[AbroadBooking], percents: dict[str, int], vendor_id: Any = None
) -> list[dict[str, Any]]:
    """Totals per vendor and currency over all of ``bookings`` (one query): bookings,
    gross paid, refunded, commission and vendor earnings (paid out and pending)."""
    totals: dict[tuple[Any, str], dict[str, Any]] = {}
    emails = {}
    for booking in bookings.select_related("course_vendor", "stay_vendor").only(
        *MONEY_FIELDS, "course_vendor__email", "stay_vendor__email"
    ):
        emails[booking.course_vendor_id] = getattr(booking.course_vendor, "email", "")
        emails[booking.stay_vendor_id] = getattr(booking.stay_vendor, "email", "")
        for part in _vendor_parts(booking, percents, vendor_id):
            row = totals.setdefault(
                (part["vendor_id"], booking.currency),
                {
                    "vendor_id": part["vendor_id"],
                    "currency": booking.currency,
                    "bookings": 0,
                    "gross": Decimal(0),
                    "refunded": Decimal(0),
                    "commission": Decimal(0),
                    "earnings": Decimal(0),
                    "paid_out": Decimal(0),
                },
            )
            row["bookings"] += 1
            for field in ("gross", "refunded", "commission", "earnings"):
                row[field] += part[field]
            if part["paid_out"]:
                row["paid_out"] += part["earnings"]
    rows = []
    for row in totals.values():
        row["vendor"] = emails.get(row["vendor_id"]) or "—"
        row["pending"] = row["earnings"] - row["paid_out"]
        rows.append(row)
    return sorted(rows, key=lambda row: (row["vendor"], row["currency"]))


#: Bookings shown on a partner's earnings page (newest first; the CSV statement has all).
EARNINGS_BOOKINGS_SHOWN = 50


def vendor_earnings(vendor: User, percents: dict[str, int]) -> dict[str, Any]:
    """A partner's earnings page: per currency what a payout may take now (``available``:
    the earnings balance less what they owe, ``credits``), what is still ``pending`` (their
    share of paid bookings whose stay or course has not ended) and ``released`` so far; and
    their latest bookings with their share of each. Their own only; five queries."""
    from credits.selectors import earnings_summary

    found: dict[str, dict[str, Any]] = {}

    def row(currency: str) -> dict[str, Any]:
        return found.setdefault(
            currency,
            {
                "currency": currency,
                "available": Decimal(0),
                "owed": Decimal(0),
                "balance": Decimal(0),
                "pending": Decimal(0),
                "released": Decimal(0),
            },
        )

    for summary in earnings_summary(vendor):
        row(summary["currency"]).update(
            available=summary["payable"],
            owed=summary["outstanding_debt"],
            balance=summary["balance"],
        )
    for total in vendor_money_totals(money_bookings(vendor=vendor), percents, vendor.pk):
        row(total["currency"]).update(pending=total["pending"], released=total["paid_out"])
    bookings = list(
        money_bookings(vendor=vendor).select_related(
            "learner", "course_vendor", "stay_vendor", "course", "homestay"
        )[:EARNINGS_BOOKINGS_SHOWN]
    )
    return {
        "balances": [found[currency] for currency in sorted(found)],
        "bookings": vendor_money_rows(bookings, percents, vendor.pk),
    }


def money_vendors() -> QuerySet[User]:
    """Everyone who sold a course or stay that was paid for: the report's vendor filter."""
    sold = AbroadBooking.objects.filter(amount_paid__gt=0)
    return User.objects.filter(
        Q(pk__in=sold.values("course_vendor")) | Q(pk__in=sold.values("stay_vendor"))
    ).order_by("email")


def vendor_dashboard(vendor: User, now: datetime) -> dict[str, Any]:
    """The vendor's admin home panel: arrivals in the next two weeks (counted by each
    booking's destination calendar, as the arrival reminders are), requests waiting for
    them, occupancy over the next 30 days, what they sold this year and reviews to answer."""
    from datetime import timedelta

    # PostgreSQL's timezone(zone, instant) is the wall-clock time at the destination.
    today_there = Cast(
        Func(F("time_zone"), Value(now), function="timezone", output_field=DateTimeField()),
        DateField(),
    )
    horizon = ExpressionWrapper(today_there + Value(14), output_field=DateField())
    arrivals = list(
        vendor_bookings(vendor)
        .filter(status__in=["confirmed", "paid"])
        .alias(today_there=today_there, horizon=horizon)
        .filter(
            Q(course_start__gte=F("today_there"), course_start__lte=F("horizon"))
            | Q(check_in__gte=F("today_there"), check_in__lte=F("horizon"))
        )
        .order_by("course_start", "check_in")[:10]
    )
    today = timezone.localdate(now)
    waiting = AbroadBooking.objects.filter(
        status="awaiting_vendor", awaiting_vendors__contains=[str(vendor.pk)]
    ).count()
    pages = list(report_pages(vendor))
    occupancy = occupancy_rows(pages, today, today + timedelta(days=30))
    revenue: dict[str, Decimal] = {}
    year = date(today.year, 1, 1)
    for row in occupancy_rows(pages, year, date(today.year + 1, 1, 1)):
        if row["currency"]:
            revenue[row["currency"]] = revenue.get(row["currency"], Decimal(0)) + row["revenue"]
    return {
        "arrivals": arrivals,
        "waiting": waiting,
        "occupancy": occupancy,
        "revenue": sorted(revenue.items()),
        "reviews": reviews_to_answer(vendor).count(),
    }
