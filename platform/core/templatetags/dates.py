"""The website's one way of writing dates and times (docs/design.md, "Dates and times").

A built-in template library (settings ``TEMPLATES`` ``builtins``): every template can write
``{{ booking.start|when }}``, ``{{ review.created_at|day }}`` or ``{{ slot|clock }}`` without a
``{% load %}``. The patterns are the named formats of the interface language
(``FORMAT_MODULE_PATH`` → ``toto/formats/<language>/formats.py``), so month and weekday names
follow the viewer's language, and an aware datetime is shown in the viewer's time zone (the
active one: ``UserLanguageMiddleware`` activates the user's own zone on the website, Wagtail
activates the admin user's). A template that shows a time in a zone it names itself converts
first: ``{{ booking.start|timezone:zone|when }}``.

Each filter returns a ``<time datetime="…">`` element carrying the machine-readable value;
with the ``plain`` option (``|day:"plain"``, ``|when:"short plain"``) it returns the text
alone, for attribute values, ``<option>`` labels and plain-text emails.

Templates never write a human pattern themselves (``|date:"j M Y"``): tests/platform/core/
test_dates.py scans every template for one.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

register = template.Library()

# style name -> the named format (or, for "numeric", the pattern) it writes.
DAY_STYLES = {
    "": "DATE_FORMAT",  # 7 Dec 2026
    "short": "SHORT_DATE_FORMAT",  # 7 Dec
    "long": "MONTH_DAY_FORMAT",  # Monday 7 December
    "month": "YEAR_MONTH_FORMAT",  # December 2026
    # A chart axis: day before month like every named format of the site (toto/formats).
    "numeric": "j/n",  # 7/12
}
WHEN_STYLES = {
    "": "DATETIME_FORMAT",  # Mon 7 Dec 2026, 14:30
    "short": "SHORT_DATETIME_FORMAT",  # Mon 7 Dec, 14:30
}
CLOCK_STYLES = {"": "TIME_FORMAT"}  # 14:30


def _options(arg: str, styles: dict[str, str], filter_name: str) -> tuple[str, bool]:
    words = (arg or "").split()
    plain = "plain" in words
    rest = [word for word in words if word != "plain"]
    style = rest[0] if rest else ""
    if len(rest) > 1 or style not in styles:
        known = ", ".join(repr(name) for name in styles if name)
        raise template.TemplateSyntaxError(
            f"|{filter_name}:{arg!r}: use a style among {known or 'none'}, and/or 'plain'."
        )
    return styles[style], plain


def _machine(value: datetime.date | datetime.time, with_time: bool) -> str:
    if isinstance(value, datetime.datetime):
        if with_time:
            return value.isoformat(timespec="minutes" if not value.second else "seconds")
        return value.date().isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return value.isoformat()


def _render(value: object, pattern: str, plain: bool, with_time: bool) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, (datetime.date, datetime.time)):
        return ""  # like |date: nothing rather than an error page for a bad value
    if isinstance(value, datetime.time):
        text = formats.time_format(value, pattern)
    else:
        text = formats.date_format(value, pattern)
    if plain:
        return text
    return format_html('<time datetime="{}">{}</time>', _machine(value, with_time), text)


@register.filter(expects_localtime=True, is_safe=False)
def day(value: object, arg: str = "") -> str:
    """A date (or the date of a datetime, in the viewer's zone): 7 Dec 2026.

    Styles: ``short`` (7 Dec), ``long`` (Monday 7 December), ``month`` (December 2026),
    ``numeric`` (7/12, chart axes)."""
    pattern, plain = _options(arg, DAY_STYLES, "day")
    text = _render(value, pattern, plain, with_time=False)
    return text if plain else SafeString(text)


@register.filter(expects_localtime=True, is_safe=False)
def when(value: object, arg: str = "") -> str:
    """A date and time in the viewer's zone: Mon 7 Dec 2026, 14:30; ``short``: Mon 7 Dec, 14:30."""
    pattern, plain = _options(arg, WHEN_STYLES, "when")
    text = _render(value, pattern, plain, with_time=True)
    return text if plain else SafeString(text)


@register.filter(expects_localtime=True, is_safe=False)
def clock(value: object, arg: str = "") -> str:
    """A time of day in the viewer's zone: 14:30."""
    pattern, plain = _options(arg, CLOCK_STYLES, "clock")
    text = _render(value, pattern, plain, with_time=True)
    return text if plain else SafeString(text)


@register.filter(expects_localtime=True, is_safe=False)
def relative(value: object, arg: str = "") -> str:
    """How long ago (or how soon) in words, with the exact time as the element's title:
    "3 hours ago", "in 2 days"; beyond a week it is the day (|day)."""
    plain = arg == "plain"
    if arg not in ("", "plain"):
        raise template.TemplateSyntaxError(f"|relative:{arg!r}: the only option is 'plain'.")
    if not isinstance(value, datetime.datetime):
        return day(value, arg)
    now = timezone.now()
    seconds = int((now - value).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        text = gettext("just now")
    elif seconds >= 7 * 86400:
        return day(value, arg)
    else:
        if seconds < 3600:
            count = seconds // 60
            amount = ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}
        elif seconds < 86400:
            count = seconds // 3600
            amount = ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
        else:
            count = seconds // 86400
            amount = ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
        template_text = gettext("in %(amount)s") if future else gettext("%(amount)s ago")
        text = template_text % {"amount": amount}
    if plain:
        return text
    return SafeString(
        format_html(
            '<time datetime="{}" title="{}">{}</time>',
            _machine(value, with_time=True),
            formats.date_format(value, "DATETIME_FORMAT"),
            text,
        )
    )
