"""The one way to write a date (core/templatetags/dates.py, docs/design.md "Dates and times"):
named formats of the interface language, the viewer's time zone, a <time> element, and no
template writing its own human pattern."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation

MOMENT = datetime.datetime(2026, 12, 7, 13, 30, tzinfo=datetime.UTC)  # a Monday


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_english_and_spanish_write_the_same_moment_in_their_own_words() -> None:
    with timezone.override(datetime.UTC):
        with translation.override("en"):
            assert render("{{ m|when }}", m=MOMENT) == (
                '<time datetime="2026-12-07T13:30+00:00">Mon 7 Dec 2026, 13:30</time>'
            )
            assert (
                render("{{ m|day }}", m=MOMENT) == '<time datetime="2026-12-07">7 Dec 2026</time>'
            )
            assert render('{{ m|day:"long plain" }}', m=MOMENT) == "Monday 7 December"
            assert render('{{ m|day:"month plain" }}', m=MOMENT) == "December 2026"
        with translation.override("es"):
            assert render('{{ m|when:"plain" }}', m=MOMENT) == "lun 7 Dic 2026, 13:30"
            assert render('{{ m|day:"long plain" }}', m=MOMENT) == "Lunes 7 diciembre"
            assert render('{{ m|day:"month plain" }}', m=MOMENT) == "diciembre 2026"


def test_an_aware_moment_is_shown_in_the_viewers_time_zone() -> None:
    with translation.override("en"):
        with timezone.override(zoneinfo.ZoneInfo("America/Los_Angeles")):
            # 13:30 UTC is 05:30 the same morning in Los Angeles ...
            assert render("{{ m|clock }}", m=MOMENT) == (
                '<time datetime="2026-12-07T05:30-08:00">05:30</time>'
            )
        with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
            # ... and already Tuesday in Auckland: the day moves with the zone.
            assert render('{{ m|when:"short plain" }}', m=MOMENT) == "Tue 8 Dec, 02:30"
            assert render('{{ m|day:"plain" }}', m=MOMENT) == "8 Dec 2026"
            # A template naming its own zone converts first, whatever zone is active.
            tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
            assert (
                render('{% load tz %}{{ m|timezone:zone|when:"plain" }}', m=MOMENT, zone=tokyo)
                == "Mon 7 Dec 2026, 22:30"
            )


def test_a_plain_date_and_an_empty_value() -> None:
    with translation.override("en"):
        assert render('{{ d|day:"short" }}', d=datetime.date(2026, 3, 4)) == (
            '<time datetime="2026-03-04">4 Mar</time>'
        )
        assert render('{{ d|day:"numeric plain" }}', d=datetime.date(2026, 3, 4)) == "4/3"
        assert render("{{ d|day }}", d=None) == ""
        assert render('{{ d|when|default:"—" }}', d=None) == "—"


def test_relative_time_in_words_then_the_day() -> None:
    now = timezone.now()
    with translation.override("en"), timezone.override(datetime.UTC):
        assert render('{{ m|relative:"plain" }}', m=now - datetime.timedelta(hours=3)) == (
            "3 hours ago"
        )
        assert render(
            '{{ m|relative:"plain" }}', m=now + datetime.timedelta(days=2, minutes=5)
        ) == ("in 2 days")
        long_ago = now - datetime.timedelta(days=30)
        assert render('{{ m|relative:"plain" }}', m=long_ago) == render(
            '{{ m|day:"plain" }}', m=long_ago
        )
        element = render("{{ m|relative }}", m=now - datetime.timedelta(minutes=5))
        assert element.startswith('<time datetime="') and ">5 minutes ago</time>" in element


def test_an_unknown_style_is_an_error_not_a_silent_default() -> None:
    with pytest.raises(TemplateSyntaxError):
        render('{{ m|day:"j M Y" }}', m=MOMENT)


# --- No template writes a human pattern itself ------------------------------------------------

# Machine formats: ISO values for datetime attributes, form inputs, URLs, CSV, ICS.
MACHINE_FORMATS = frozenset({"c", "U", "Y-m-d", r"Y-m-d\TH:i", r"Ymd\THis\Z", "Y-m-d H:i:s"})
HAND_WRITTEN = re.compile(r"""\|\s*(date|time)\s*:\s*(["'])(.*?)\2|\|\s*(date|time)\b(?!\s*:)""")
TEMPLATE_ROOTS = ("templates", "platform", "cms")
TEMPLATE_SUFFIXES = {".html", ".txt", ".ics", ".xml"}


def machine_value(text: str, start: int) -> bool:
    """Whether the ``{{ … }}`` holding the filter at ``start`` is an attribute value or a URL
    parameter (``datetime="{{ x|date:'c' }}"``, ``&start={{ d|date:'Y-m-d' }}``), where a
    machine format belongs; shown as text, the same format is a human one."""
    opening = text.rfind("{{", 0, start)
    return opening > 0 and text[:opening].rstrip().endswith(("=", '="', "='"))


def hand_written_formats(text: str) -> list[str]:
    found = []
    for match in HAND_WRITTEN.finditer(text):
        pattern = match.group(3)
        if pattern in MACHINE_FORMATS and machine_value(text, match.start()):
            continue
        found.append(match.group(0))
    return found


def test_the_scan_catches_a_hand_written_pattern() -> None:
    assert hand_written_formats("{{ a|date:\"j M Y\" }} {{ b|time:'H:i' }} {{ c|date }}") == [
        '|date:"j M Y"',
        "|time:'H:i'",
        "|date",
    ]
    assert hand_written_formats("<time datetime=\"{{ a|date:'c' }}\">{{ a|when }}</time>") == []
    assert hand_written_formats('{{ a|date:"DATE_FORMAT" }}') == ['|date:"DATE_FORMAT"']
    # A machine format is fine in an attribute or a URL, not as the text of the page.
    assert hand_written_formats("<a href=\"?start={{ d|date:'Y-m-d' }}\">") == []
    assert hand_written_formats("<small>{{ d|date:'Y-m-d' }}</small>") == ["|date:'Y-m-d'"]


def test_no_template_writes_a_human_date_pattern_itself() -> None:
    base = Path(settings.BASE_DIR)
    offenders = []
    checked = 0
    for root in TEMPLATE_ROOTS:
        for path in (base / root).rglob("*"):
            if path.suffix not in TEMPLATE_SUFFIXES or "templates" not in path.parts:
                continue
            checked += 1
            for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for found in hand_written_formats(line):
                    offenders.append(f"{path.relative_to(base)}:{line_number}: {found}")
    assert checked > 100
    assert not offenders, (
        "Write dates with |when, |day, |clock or |relative (docs/design.md), not |date/|time:\n"
        + "\n".join(offenders)
    )
