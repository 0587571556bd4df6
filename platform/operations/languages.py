"""Languages and localisation at a glance (Settings > Languages): which languages the site is
offered in, how much of the content each content language has (Wagtail pages and
wagtail-localize's string translations), and how complete each interface catalogue is.

Reads only: enabling a content language is Wagtail's own Locales screen (linked), an interface
language is ``LANGUAGES`` in the settings plus a catalogue under ``locale/`` (docs/design.md, "Languages and right to left").
Three queries for the content, whatever the number of pages or strings; the catalogues are
parsed once per file change (polib, installed with wagtail-localize).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polib
from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation

SOURCE_LANGUAGE = "en"  # the interface's msgids are English


@dataclass(frozen=True)
class Catalogue:
    domain: str  # django (templates and Python) or djangojs (scripts)
    total: int
    translated: int
    fuzzy: int

    @property
    def percent(self) -> float:
        return round(100 * self.translated / self.total, 1) if self.total else 100.0


@dataclass(frozen=True)
class InterfaceLanguage:
    code: str
    name: str
    catalogues: tuple[Catalogue, ...]

    @property
    def percent(self) -> float:
        total = sum(c.total for c in self.catalogues)
        done = sum(c.translated for c in self.catalogues)
        if self.code == SOURCE_LANGUAGE:
            return 100.0
        return round(100 * done / total, 1) if total else 0.0

    @property
    def missing(self) -> int:
        return sum(c.total - c.translated for c in self.catalogues)


@dataclass(frozen=True)
class ContentLanguage:
    locale_id: int
    code: str
    name: str
    is_default: bool
    pages: int
    live_pages: int
    translated_from_default: int  # of the default locale's pages, how many exist here
    default_pages: int
    segments: int  # strings wagtail-localize asks for in this locale
    segments_translated: int

    @property
    def pages_percent(self) -> float:
        if self.is_default:
            return 100.0
        if not self.default_pages:
            return 0.0
        return round(100 * self.translated_from_default / self.default_pages, 1)

    @property
    def segments_percent(self) -> float | None:
        return round(100 * self.segments_translated / self.segments, 1) if self.segments else None


@lru_cache(maxsize=32)
def _parse(path: str, mtime: float) -> Catalogue:
    catalogue = polib.pofile(path)
    entries = [entry for entry in catalogue if not entry.obsolete]
    fuzzy = sum(1 for entry in entries if "fuzzy" in entry.flags)
    return Catalogue(
        domain=Path(path).stem,
        total=len(entries),
        translated=sum(1 for entry in entries if entry.translated()),
        fuzzy=fuzzy,
    )


def _catalogues(code: str) -> tuple[Catalogue, ...]:
    found: list[Catalogue] = []
    for root in settings.LOCALE_PATHS:
        for path in sorted((Path(root) / code / "LC_MESSAGES").glob("*.po")):
            found.append(_parse(str(path), path.stat().st_mtime))
    return tuple(found)


def interface_languages() -> list[InterfaceLanguage]:
    """Every language the website offers (``LANGUAGES``), with its catalogues' progress."""
    return [
        InterfaceLanguage(code=code, name=str(name), catalogues=_catalogues(code))
        for code, name in settings.LANGUAGES
    ]


def content_languages() -> list[ContentLanguage]:
    """Every Wagtail locale: its pages and how much of the default locale's content and of
    wagtail-localize's strings it has. Three queries."""
    locales = list(Locale.objects.order_by("pk"))
    default = next((loc for loc in locales if loc.language_code == settings.LANGUAGE_CODE), None)
    content = Page.objects.filter(depth__gt=1)
    per_locale = {
        row["locale_id"]: row
        for row in content.order_by()
        .values("locale_id")
        .annotate(
            pages=Count("id"),
            live_pages=Count("id", filter=Q(live=True)),
            from_default=Count(
                "id",
                filter=Q(
                    translation_key__in=content.filter(
                        locale_id=default.pk if default else None
                    ).values("translation_key")
                ),
            ),
        )
    }
    segments = (
        StringSegment.objects.filter(source__translations__enabled=True)
        .annotate(target=F("source__translations__target_locale_id"))
        .annotate(
            done=Case(
                When(
                    Exists(
                        StringTranslation.objects.filter(
                            translation_of_id=OuterRef("string_id"),
                            context_id=OuterRef("context_id"),
                            locale_id=OuterRef("target"),
                            has_error=False,
                        )
                    ),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by()
        .values("target")
        .annotate(total=Count("id"), translated=Sum("done"))
    )
    per_target = {row["target"]: row for row in segments}
    names = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
    default_pages = per_locale.get(default.pk, {}).get("pages", 0) if default else 0
    return [
        ContentLanguage(
            locale_id=locale.pk,
            code=locale.language_code,
            name=str(names.get(locale.language_code, locale.language_code)),
            is_default=locale == default,
            pages=per_locale.get(locale.pk, {}).get("pages", 0),
            live_pages=per_locale.get(locale.pk, {}).get("live_pages", 0),
            translated_from_default=per_locale.get(locale.pk, {}).get("from_default", 0),
            default_pages=default_pages,
            segments=per_target.get(locale.pk, {}).get("total", 0),
            segments_translated=per_target.get(locale.pk, {}).get("translated") or 0,
        )
        for locale in locales
    ]
