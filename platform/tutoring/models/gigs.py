from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from credits.models import AmountOptions

from .teachers import TeacherListing

MONEY: AmountOptions = {"max_digits": 12, "decimal_places": 2}
CURRENCIES = [("EUR", "Euro"), ("USD", "US dollar"), ("INR", "Indian rupee")]


# Gig is a modelcluster ClusterableModel (untyped): the stubs' plugin cannot build ``gigs``.
class GigCategory(models.Model):  # type: ignore[django-manager-missing]
    """What kind of service a gig is ("Language tutor", "Chirologist" …). Admins add more
    as Wagtail snippets."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_language_teaching = models.BooleanField(
        _("teaches a language"),
        default=False,
        help_text=_("Learners' languages and levels are matched against these gigs."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("is_language_teaching"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("gig category")
        verbose_name_plural = _("gig categories")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PricingMode(models.TextChoices):
    PER_DURATION = "per_duration", _("A price for each duration")
    PER_MINUTE = "per_minute", _("Per minute, billed on the time both were present")


class Gig(ClusterableModel):
    listing = models.ForeignKey(TeacherListing, on_delete=models.CASCADE, related_name="gigs")
    category = models.ForeignKey(GigCategory, on_delete=models.PROTECT, related_name="gigs")
    title = models.CharField(_("title"), max_length=120)
    about = models.TextField(_("about"))
    experience = models.TextField(_("experience"), blank=True)
    education = models.TextField(_("education"), blank=True)
    certificates = models.TextField(_("certificates"), blank=True)
    language = models.CharField(
        _("language taught"), max_length=16, blank=True, help_text=_("For language gigs.")
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    pricing_mode = models.CharField(
        max_length=16, choices=PricingMode.choices, default=PricingMode.PER_DURATION
    )
    price_per_minute = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    trial_minutes = models.PositiveSmallIntegerField(
        _("trial lesson minutes"), null=True, blank=True
    )
    trial_price = models.DecimalField(**MONEY, null=True, blank=True)
    package_sizes = models.JSONField(
        _("package sizes"), default=list, blank=True, help_text=_("e.g. [5, 10]")
    )
    package_discount_percent = models.PositiveSmallIntegerField(default=0)
    package_valid_days = models.PositiveSmallIntegerField(
        _("package valid for (days)"),
        null=True,
        blank=True,
        help_text=_("Unused lessons of a package are refunded after this; blank: no expiry."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("listing"),
        FieldPanel("category"),
        FieldPanel("title"),
        FieldPanel("about"),
        FieldPanel("experience"),
        FieldPanel("education"),
        FieldPanel("certificates"),
        FieldPanel("language"),
        FieldPanel("currency"),
        FieldPanel("pricing_mode"),
        FieldPanel("price_per_minute"),
        InlinePanel("durations", label=_("Duration options")),
        FieldPanel("trial_minutes"),
        FieldPanel("trial_price"),
        FieldPanel("is_active"),
    ]

    class Meta:
        ordering = ["listing", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(pricing_mode=PricingMode.PER_MINUTE)
                | Q(price_per_minute__isnull=False),
                name="tutoring_gig_per_minute_has_rate",
            ),
            models.CheckConstraint(
                condition=Q(package_discount_percent__lte=90),
                name="tutoring_gig_package_discount_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def price_for(self, minutes: int) -> Decimal | None:
        """The price of one lesson of ``minutes``, or None when the gig does not offer it.
        Per-minute gigs price the booked length: it is the most that can be billed."""
        for option in self.durations.all():
            if option.minutes == minutes:
                if self.pricing_mode == PricingMode.PER_MINUTE:
                    assert self.price_per_minute is not None  # noqa: S101 - check constraint
                    return (self.price_per_minute * minutes).quantize(Decimal("0.01"))
                return option.price
        return None


class GigDuration(models.Model):
    gig = ParentalKey(Gig, on_delete=models.CASCADE, related_name="durations")
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(10)])
    price = models.DecimalField(
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Ignored by per-minute gigs: their rate times the minutes is the most billed."),
    )

    class Meta:
        ordering = ["minutes"]
        constraints = [
            models.UniqueConstraint(fields=["gig", "minutes"], name="tutoring_duration_once")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min · {self.price}"
