"""Ages at a glance ("6 days ago", "waiting 6 days"; the Polish from Django's timesince) with the exact
date and time on hover, as escaped HTML (the thread tables build their rows from strings)."""

from datetime import datetime
from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.formats import date_format, get_format
from django.utils.html import avoid_wrapping
from django.utils.safestring import SafeString
from django.utils.timesince import TIME_STRINGS
from django.utils.translation import gettext as _


def ago(value: datetime) -> SafeString:
    return Ages().ago(value)


def waiting(since: datetime) -> SafeString:
    return Ages().waiting(since)


def exact_time(value: datetime) -> str:
    """date_format(localtime(value), "SHORT_DATETIME_FORMAT")."""
    return Ages().exact_time(value)


# Seconds of the units below a month, largest first (as django.utils.timesince counts them).
SHORT_UNITS = (("week", 7 * 24 * 3600), ("day", 24 * 3600), ("hour", 3600), ("minute", 60))


def largest_unit(value: datetime, now: datetime) -> tuple[str, int]:
    """The largest non-zero unit of the time from `value` to `now`, as Django's timesince(depth=1) picks it
    (its calendar months and years; 0 minutes for no time or a future `value`) without drawing the words:
    a page draws a handful of distinct ages, their words are translated once each."""
    if value.tzinfo is not now.tzinfo and value.tzinfo is not None:
        now = now.astimezone(value.tzinfo)
    delta = now - value
    if delta.days * 24 * 3600 + delta.seconds <= 0:
        return "minute", 0
    months = (now.year - value.year) * 12 + (now.month - value.month)
    if value.day > now.day or (value.day == now.day and value.time() > now.time()):
        months -= 1
    if months >= 12:
        return "year", months // 12
    if months:
        return "month", months
    seconds = delta.total_seconds()
    for unit, length in SHORT_UNITS:
        if seconds >= length:
            return unit, int(seconds // length)
    return "minute", 0


class Ages:
    """The ages of one page's cells, against one "now": the time zone, the words and the date format are looked
    up once per page instead of once per cell, each distinct age's words translated once (timesince's words)."""

    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self._zone = timezone.get_current_timezone()
        self._drawn: dict[tuple[str, str, int], str] = {}
        # Per moment: its <time> tag and age. A new thread's age and wait are often of the same moment.
        self._dated: dict[datetime, tuple[str, tuple[str, int]]] = {}
        self._ago = _("%(time)s ago")
        self._waiting = _("waiting %(time)s")
        self._format = numeric_date_template(str(get_format("SHORT_DATETIME_FORMAT")))

    def ago(self, value: datetime) -> SafeString:
        return self._when(value, self._ago)

    def waiting(self, since: datetime) -> SafeString:
        return self._when(since, self._waiting)

    def exact_time(self, value: datetime) -> str:
        local = value.astimezone(self._zone)
        return self._format.format(local) if self._format else date_format(local, "SHORT_DATETIME_FORMAT")

    def _when(self, value: datetime, words: str) -> SafeString:
        if value not in self._dated:
            exact = escape(self.exact_time(value))
            tag = f'<time datetime="{escape(value.isoformat())}" title="{exact}">'
            self._dated[value] = (tag, largest_unit(value, self.now))
        tag, (unit, count) = self._dated[value]
        return SafeString(f"{tag}{self._text(words, unit, count)}</time>")

    def _text(self, words: str, unit: str, count: int) -> str:
        """ "6 days ago" (escaped), with timesince's words and non-breaking spaces."""
        key = (words, unit, count)
        if key not in self._drawn:
            age = avoid_wrapping(TIME_STRINGS[unit] % {"num": count})
            self._drawn[key] = escape(words % {"time": age})
        return self._drawn[key]


# The numeric letters of Django's date formats as str.format fields, each padded as django.utils.dateformat does.
NUMERIC_DATE_FIELDS = {
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "Y": "{0.year:04d}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}


@lru_cache
def numeric_date_template(django_format: str) -> str | None:
    """A Django date format of numbers only (Polish "d-m-Y  H:i") as a str.format template that gives the
    same text, or None when it has a letter that names or words (English "P": "4 p.m."). Django's
    date_format splits the format and looks up a method per letter for every value: this, once per format."""
    pieces = []
    for n, piece in enumerate(re_formatchars.split(django_format)):
        if n % 2:
            if piece not in NUMERIC_DATE_FIELDS:
                return None
            pieces.append(NUMERIC_DATE_FIELDS[piece])
        else:
            pieces.append(re_escaped.sub(r"\1", piece).replace("{", "{{").replace("}", "}}"))
    return "".join(pieces)
