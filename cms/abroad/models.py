"""The study-abroad tree: StudyAbroadIndexPage → DestinationPage → InstitutePage → CoursePage,
and HomestayPage under a destination.

Pages hold what a vendor edits (texts, prices, intakes, rooms) and go through Wagtail's
revisions, workflows and wagtail-localize. What changes with every booking (seats taken,
nights occupied) lives in the ``abroad`` app: a page publish rewrites its inline rows, so a
counter kept on them could be overwritten by an older revision. Nothing here imports
``abroad``; its templates load ``abroad_tags`` for availability.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.learning.blocks import TARGET_LANGUAGES
from cms.learning.models import Level
from core.timezones import is_time_zone

MONEY: dict[str, Any] = {"max_digits": 10, "decimal_places": 2}
CURRENCIES = [("EUR", "Euro"), ("USD", "US dollar"), ("INR", "Indian rupee")]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LEVEL_ORDER = [value for value, _label in Level.choices]


class BookingMode(models.TextChoices):
    INSTANT = "instant", _("Instant book")
    REQUEST = "request", _("Request to book (the provider accepts)")


class CancellationPolicy(models.TextChoices):
    FLEXIBLE = "flexible", _("Flexible")
    MODERATE = "moderate", _("Moderate")
    STRICT = "strict", _("Strict")


class RoomType(models.TextChoices):
    SINGLE = "single", _("Single room")
    SHARED = "shared", _("Shared room")


class CourseType(models.TextChoices):
    GENERAL = "general", _("General course")
    INTENSIVE = "intensive", _("Intensive course")
    EXAM = "exam", _("Exam preparation")
    BUSINESS = "business", _("Business language")
    ACTIVITY = "activity", _("Language and activity")


class Meals(models.TextChoices):
    NONE = "none", _("No meals (kitchen access)")
    BREAKFAST = "breakfast", _("Breakfast")
    HALF_BOARD = "half_board", _("Half board (breakfast and dinner)")
    FULL_BOARD = "full_board", _("Full board")


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(_("Not a time zone name (e.g. Europe/Madrid)."))


def validate_weekdays(value: str) -> None:
    days = [day.strip() for day in value.split(",") if day.strip()]
    if not days or any(day not in WEEKDAYS for day in days):
        raise ValidationError(_("Comma-separated days from: %s.") % ", ".join(WEEKDAYS))


def _latitude() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def _longitude() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


# Numbers, prices and places are the same in every language: wagtail-localize keeps them
# synchronised from the source page instead of offering them for translation.
SYNCHRONISED = ("latitude", "longitude", "time_zone", "currency", "price_per_week")


class StudyAbroadIndexPage(Page):
    """The root of the tree; its URL (/abroad/) is the search page (``abroad.urls``)."""

    introduction = models.TextField(blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    api_fields = [APIField("introduction")]

    parent_page_types = ["cms_site.HomePage"]
    subpage_types = ["cms_abroad.DestinationPage"]
    max_count_per_parent = 1
    template = "abroad/index_page.html"

    class Meta:
        verbose_name = _("study abroad index page")


class DestinationPage(Page):
    country = models.CharField(_("country"), max_length=80)
    city = models.CharField(_("city"), max_length=80)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Madrid",
        validators=[validate_time_zone],
        help_text=_("Arrival times are shown in this zone."),
    )
    latitude = _latitude()
    longitude = _longitude()
    summary = models.TextField(_("summary"), max_length=600)
    visa_notes = models.TextField(_("visa notes"), blank=True)
    cost_of_living = models.TextField(_("cost of living"), blank=True)
    climate = models.TextField(_("climate"), blank=True)
    safety = models.TextField(_("safety"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("country"), FieldPanel("city")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude"), FieldPanel("time_zone")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("visa_notes"),
                FieldPanel("cost_of_living"),
                FieldPanel("climate"),
                FieldPanel("safety"),
            ],
            heading=_("Guides"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("city", boost=2),
        index.SearchField("country", boost=1.5),
        index.SearchField("summary"),
        index.FilterField("country"),
    ]
    api_fields = [
        APIField(name)
        for name in (
            "country",
            "city",
            "time_zone",
            "latitude",
            "longitude",
            "summary",
            "visa_notes",
            "cost_of_living",
            "climate",
            "safety",
        )
    ]
    override_translatable_fields = [SynchronizedField(name) for name in SYNCHRONISED[:3]]

    parent_page_types = ["cms_abroad.StudyAbroadIndexPage"]
    subpage_types = ["cms_abroad.InstitutePage", "cms_abroad.HomestayPage"]
    template = "abroad/destination_page.html"

    class Meta:
        verbose_name = _("destination page")


def time_zone_of(page: Page) -> str:
    """The zone of the destination ``page`` is under (one query): its listings' dates are
    days there."""
    zone = DestinationPage.objects.ancestor_of(page).values_list("time_zone", flat=True).first()
    return zone or "UTC"


class InstitutePage(Page):
    profile = models.TextField(_("school profile"))
    accreditation = models.CharField(_("accreditation"), max_length=200, blank=True)
    facilities = models.TextField(
        _("facilities"), blank=True, help_text=_("One facility per line.")
    )
    address = models.CharField(_("address"), max_length=200)
    latitude = _latitude()
    longitude = _longitude()
    languages = models.CharField(
        _("languages taught"),
        max_length=60,
        default="es",
        help_text=_("Comma-separated language codes, e.g. es,en."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("profile"),
        FieldPanel("accreditation"),
        FieldPanel("facilities"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Location"),
        ),
        FieldPanel("languages"),
        InlinePanel("photos", label=_("Photos")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("profile"),
        index.SearchField("accreditation"),
        index.SearchField("address"),
    ]
    api_fields = [
        APIField(name)
        for name in (
            "profile",
            "accreditation",
            "facilities",
            "address",
            "latitude",
            "longitude",
            "languages",
            "photos",
        )
    ]
    override_translatable_fields = [SynchronizedField(name) for name in SYNCHRONISED[:2]]

    parent_page_types = ["cms_abroad.DestinationPage"]
    subpage_types = ["cms_abroad.CoursePage"]
    template = "abroad/institute_page.html"

    class Meta:
        verbose_name = _("institute page")

    def facility_list(self) -> list[str]:
        return [line.strip() for line in self.facilities.splitlines() if line.strip()]

    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


class InstitutePhoto(Orderable):
    page = ParentalKey(InstitutePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(_("caption"), max_length=160, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
    api_fields = [APIField("image"), APIField("caption")]


class ListingTerms(models.Model):
    """What courses and homestays share: currency, instant book or request, deposit and the
    named cancellation policy (copied onto each booking when it is made)."""

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    booking_mode = models.CharField(
        _("booking"), max_length=8, choices=BookingMode.choices, default=BookingMode.INSTANT
    )
    deposit_percent = models.PositiveSmallIntegerField(
        _("deposit (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Paid when booking; the rest before arrival. 100: paid in full."),
    )
    cancellation_policy = models.CharField(
        _("cancellation policy"),
        max_length=10,
        choices=CancellationPolicy.choices,
        default=CancellationPolicy.MODERATE,
    )

    terms_panels = [
        FieldRowPanel([FieldPanel("currency"), FieldPanel("booking_mode")]),
        FieldRowPanel([FieldPanel("deposit_percent"), FieldPanel("cancellation_policy")]),
    ]

    class Meta:
        abstract = True


class CoursePage(ListingTerms, Page):
    description = models.TextField(_("description"), max_length=1200)
    course_type = models.CharField(
        _("course type"), max_length=12, choices=CourseType.choices, default=CourseType.GENERAL
    )
    language = models.CharField(_("language"), max_length=8, choices=TARGET_LANGUAGES)
    level_min = models.CharField(_("from level"), max_length=2, choices=Level.choices)
    level_max = models.CharField(_("to level"), max_length=2, choices=Level.choices)
    lessons_per_week = models.PositiveSmallIntegerField(
        _("lessons per week"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    weeks_min = models.PositiveSmallIntegerField(
        _("weeks (minimum)"), default=1, validators=[MinValueValidator(1)]
    )
    weeks_max = models.PositiveSmallIntegerField(
        _("weeks (maximum)"), default=12, validators=[MinValueValidator(1)]
    )
    price_per_week = models.DecimalField(
        _("price per week"), **MONEY, validators=[MinValueValidator(0)]
    )
    registration_fee = models.DecimalField(
        _("registration fee"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    material_fee = models.DecimalField(
        _("material fee"), **MONEY, default=0, validators=[MinValueValidator(0)]
    )
    requirements = models.TextField(_("requirements"), blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("course_type"),
                        FieldPanel("language"),
                        FieldPanel("level_min"),
                        FieldPanel("level_max"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("lessons_per_week"),
                        FieldPanel("weeks_min"),
                        FieldPanel("weeks_max"),
                    ]
                ),
                FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]),
                FieldPanel("requirements"),
            ],
            heading=_("Course"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("price_per_week"),
                        FieldPanel("registration_fee"),
                        FieldPanel("material_fee"),
                    ]
                ),
                *ListingTerms.terms_panels,
            ],
            heading=_("Price and terms"),
        ),
        InlinePanel("intakes", label=_("Intakes (start dates)"), min_num=0),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.FilterField("course_type"),
        index.FilterField("language"),
        index.FilterField("level_min"),
        index.FilterField("price_per_week"),
    ]
    api_fields = [
        APIField(name)
        for name in (
            "description",
            "course_type",
            "language",
            "level_min",
            "level_max",
            "lessons_per_week",
            "weeks_min",
            "weeks_max",
            "price_per_week",
            "currency",
            "registration_fee",
            "material_fee",
            "requirements",
            "age_min",
            "age_max",
            "booking_mode",
            "deposit_percent",
            "cancellation_policy",
            "intakes",
        )
    ]
    override_translatable_fields = [
        SynchronizedField(name)
        for name in (
            "course_type",
            "currency",
            "price_per_week",
            "registration_fee",
            "material_fee",
            "weeks_min",
            "weeks_max",
            "deposit_percent",
        )
    ]

    parent_page_types = ["cms_abroad.InstitutePage"]
    subpage_types: list[str] = []
    template = "abroad/course_page.html"
    preview_modes = [("", _("As learners see it"))]

    class Meta:
        verbose_name = _("course page")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.weeks_max < self.weeks_min:
            errors["weeks_max"] = str(_("At least the minimum."))
        if LEVEL_ORDER.index(self.level_max) < LEVEL_ORDER.index(self.level_min):
            errors["level_max"] = str(_("At or above the starting level."))
        if self.age_max is not None and self.age_max < self.age_min:
            errors["age_max"] = str(_("At least the minimum age."))
        if errors:
            raise ValidationError(errors)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        context = self.get_context(request)
        context["preview"] = True
        return TemplateResponse(request, self.get_template(request), context)


class CourseIntake(Orderable):
    """A start date with its seat quota. Bookings lock this row to take seats."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="intakes")
    start_date = models.DateField(_("start date"))
    seats = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )

    panels = [FieldRowPanel([FieldPanel("start_date"), FieldPanel("seats")])]
    api_fields = [APIField("start_date"), APIField("seats")]

    class Meta(Orderable.Meta):
        verbose_name = _("intake")

    def __str__(self) -> str:
        return f"{self.page.title} — {self.start_date:%Y-%m-%d}"


class HomestayPage(ListingTerms, Page):
    host_profile = models.TextField(_("host profile"))
    address = models.CharField(_("area or address"), max_length=200)
    latitude = _latitude()
    longitude = _longitude()
    meals = models.CharField(
        _("meals included"), max_length=12, choices=Meals.choices, default=Meals.BREAKFAST
    )
    meals_notes = models.CharField(_("about the meals"), max_length=200, blank=True)
    house_rules = models.TextField(_("house rules"), blank=True)
    min_nights = models.PositiveSmallIntegerField(
        _("minimum stay (nights)"), default=7, validators=[MinValueValidator(1)]
    )
    max_nights = models.PositiveSmallIntegerField(
        _("maximum stay (nights)"), default=180, validators=[MinValueValidator(1)]
    )
    check_in_days = models.CharField(
        _("check-in days"),
        max_length=40,
        default="sat,sun",
        validators=[validate_weekdays],
        help_text=_("Comma-separated: mon,tue,wed,thu,fri,sat,sun."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("host_profile"),
        FieldPanel("photo"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Location"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("meals"), FieldPanel("meals_notes")]),
                FieldPanel("house_rules"),
                FieldRowPanel(
                    [
                        FieldPanel("min_nights"),
                        FieldPanel("max_nights"),
                        FieldPanel("check_in_days"),
                    ]
                ),
                *ListingTerms.terms_panels,
            ],
            heading=_("Stay and terms"),
        ),
        InlinePanel("rooms", label=_("Rooms"), min_num=1),
        InlinePanel("nearby", label=_("Institutes nearby")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("host_profile"),
        index.SearchField("address"),
        index.FilterField("meals"),
    ]
    api_fields = [
        APIField(name)
        for name in (
            "host_profile",
            "address",
            "latitude",
            "longitude",
            "meals",
            "meals_notes",
            "house_rules",
            "min_nights",
            "max_nights",
            "check_in_days",
            "currency",
            "booking_mode",
            "deposit_percent",
            "cancellation_policy",
            "rooms",
            "nearby",
        )
    ]
    override_translatable_fields = [
        SynchronizedField(name)
        for name in ("latitude", "longitude", "currency", "min_nights", "max_nights")
    ]

    parent_page_types = ["cms_abroad.DestinationPage"]
    subpage_types: list[str] = []
    template = "abroad/homestay_page.html"
    preview_modes = [("", _("As learners see it"))]

    class Meta:
        verbose_name = _("homestay page")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.max_nights < self.min_nights:
            raise ValidationError({"max_nights": _("At least the minimum stay.")})

    def check_in_weekdays(self) -> list[int]:
        return [
            WEEKDAYS.index(day.strip())
            for day in self.check_in_days.split(",")
            if day.strip() in WEEKDAYS
        ]

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        context = self.get_context(request)
        context["preview"] = True
        return TemplateResponse(request, self.get_template(request), context)


class HomestayRoom(Orderable):
    page = ParentalKey(HomestayPage, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    room_type = models.CharField(
        _("type"), max_length=8, choices=RoomType.choices, default=RoomType.SINGLE
    )
    private_bathroom = models.BooleanField(_("private bathroom"), default=False)
    price_per_night = models.DecimalField(
        _("price per night"), **MONEY, validators=[MinValueValidator(0)]
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("room_type")]),
        FieldRowPanel([FieldPanel("private_bathroom"), FieldPanel("price_per_night")]),
    ]
    api_fields = [
        APIField("name"),
        APIField("room_type"),
        APIField("private_bathroom"),
        APIField("price_per_night"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("room")

    def __str__(self) -> str:
        return f"{self.page.title}: {self.name}"


class NearbyInstitute(Orderable):
    page = ParentalKey(HomestayPage, on_delete=models.CASCADE, related_name="nearby")
    institute = models.ForeignKey(InstitutePage, on_delete=models.CASCADE, related_name="+")
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )

    panels = [FieldRowPanel([FieldPanel("institute"), FieldPanel("distance_km")])]
    api_fields = [APIField("institute"), APIField("distance_km")]
