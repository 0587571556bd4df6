from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def validate_link(value: str) -> None:
    """A path on this site (``/learn/``, ``/tutoring/#filters``) or an http(s) URL.

    Relative paths keep a page's links right on every host the site is served from;
    anything else (``javascript:``, ``//elsewhere``) is refused.
    """
    if value.startswith("/") and not value.startswith("//"):
        if any(ch.isspace() for ch in value):
            raise ValidationError(_("A path cannot contain spaces."))
        return
    URLValidator(schemes=["http", "https"])(value)


class LinkBlock(blocks.CharBlock):
    """A link editors type: a site path or a full web address."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault(
            "help_text", _("A path on this site, such as /learn/, or a full https:// address.")
        )
        super().__init__(validators=[validate_link], **kwargs)  # type: ignore[arg-type]


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    button_label = blocks.CharBlock(required=False, max_length=40)
    button_link = LinkBlock(required=False)

    class Meta:
        icon = "pick"
        template = "blocks/hero_block.html"
        description = "A large heading with a short text and an optional button."
        preview_value = {
            "heading": "Learn a language by speaking it",
            "text": "Lessons, tutors and an AI partner in one place.",
            "button_label": "Start learning",
            "button_link": "/learn/",
        }


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=300)
    link = LinkBlock(required=False)

    class Meta:
        icon = "tick"
        template = "blocks/feature_block.html"
        description = "One feature: a title, a sentence or two, and where the card leads."
        preview_value = {
            "title": "Live tutors",
            "text": "Book a lesson with a verified teacher.",
            "link": "/tutoring/",
        }


class HomeStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    features = blocks.ListBlock(FeatureBlock(), template="blocks/feature_list_block.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])
