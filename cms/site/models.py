from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from .blocks import HomeStreamBlock


class HomePage(Page):
    """The site's front page: one per locale, at the root of the site."""

    introduction = models.TextField(blank=True, max_length=500)
    body = StreamField(HomeStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = "home page"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Operator-editable facts about the site, shown in the footer and emails."""

    tagline = models.CharField(max_length=140, blank=True, default="Learn languages together")
    support_email = models.EmailField(blank=True)
    footer_text = models.CharField(max_length=255, blank=True)

    panels = [FieldPanel("tagline"), FieldPanel("support_email"), FieldPanel("footer_text")]

    class Meta:
        verbose_name = "site settings"


class LegalDocument(models.TextChoices):
    TERMS = "terms", _("Terms of service")
    PRIVACY = "privacy", _("Privacy policy")
    COOKIES = "cookies", _("Cookie policy")


class LegalPage(Page):
    """The terms of service, the privacy policy or the cookie policy. ``version`` is what
    people accept: raise it when a change needs everyone's agreement again, and everyone is
    asked again once it is published (cms.site.legal). Typo fixes keep the version.
    Translations share the version (wagtail-localize synchronises it)."""

    document = models.CharField(max_length=16, choices=LegalDocument.choices)
    version = models.PositiveIntegerField(
        default=1,
        help_text=_("Raise it for a change everyone must accept again."),
    )
    effective_date = models.DateField(default=timezone.localdate)
    summary = models.TextField(
        blank=True, max_length=1000, help_text=_("What changed, shown when asking again.")
    )
    body = RichTextField()

    content_panels = [
        *Page.content_panels,
        FieldPanel("document"),
        FieldPanel("version"),
        FieldPanel("effective_date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms_site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "legal page"

    override_translatable_fields = [SynchronizedField("document"), SynchronizedField("version")]


class LegalAcceptance(models.Model):
    """One person's agreement to one version of one legal document."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="legal_acceptances"
    )
    document = models.CharField(max_length=16, choices=LegalDocument.choices)
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="cms_site_legal_acceptance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.document} v{self.version}"
