"""Ages at a glance ("6 days ago", "waiting 6 days"; the Polish from Django's timesince) with the exact
date and time on hover, as escaped HTML (the thread tables build their rows from strings)."""

from datetime import datetime
from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeString
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext as _


def ago(value: datetime) -> SafeString:
    return Ages().ago(value)


def waiting(since: datetime) -> SafeString:
    return Ages().waiting(since)


def exact_time(value: datetime) -> str:
    """date_format(localtime(value), "SHORT_DATETIME_FORMAT")."""
    return Ages().exact_time(value)


class _Words:
    """One unit of timesince's words ("%(num)d days"), translated once per number: a page of 50 rows has a
    handful of distinct ages, and each lazy translation costs a catalog look-up."""

    def __init__(self, words):
        self._words = words
        self._drawn: dict[int, str] = {}

    def __mod__(self, values: dict) -> str:
        num = values["num"]
        if num not in self._drawn:
            self._drawn[num] = str(self._words % values)
        return self._drawn[num]


class Ages:
    """The ages of one page's cells, against one "now": the time zone, the words and the date format are looked
    up once per page instead of once per cell (Django's timesince draws the age, so the words are its own)."""

    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self._zone = timezone.get_current_timezone()
        self._words = {unit: _Words(words) for unit, words in TIME_STRINGS.items()}
        self._ago = _("%(time)s ago")
        self._waiting = _("waiting %(time)s")
        self._format = numeric_date_template(str(get_format("SHORT_DATETIME_FORMAT")))

    def ago(self, value: datetime) -> SafeString:
        return self._when(value, self._ago % {"time": self._age(value)})

    def waiting(self, since: datetime) -> SafeString:
        return self._when(since, self._waiting % {"time": self._age(since)})

    def exact_time(self, value: datetime) -> str:
        local = value.astimezone(self._zone)
        return self._format.format(local) if self._format else date_format(local, "SHORT_DATETIME_FORMAT")

    def _when(self, value: datetime, text: str) -> SafeString:
        exact = escape(self.exact_time(value))
        return SafeString(f'<time datetime="{escape(value.isoformat())}" title="{exact}">{escape(text)}</time>')

    def _age(self, value: datetime) -> str:
        # The largest unit only: "6 days", "6 dni".
        return timesince(value, now=self.now, time_strings=self._words, depth=1)


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
