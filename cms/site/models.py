from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

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
