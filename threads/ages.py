"""Ages at a glance ("6 days ago", "waiting 6 days"; the Polish from Django's timesince) with the exact
date and time on hover, as escaped HTML (the thread tables build their rows from strings)."""

from datetime import datetime
from functools import lru_cache
from html import escape

from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


def ago(value: datetime) -> SafeString:
    return _when(value, _("%(time)s ago") % {"time": _age(value)})


def waiting(since: datetime) -> SafeString:
    return _when(since, _("waiting %(time)s") % {"time": _age(since)})


def _when(value: datetime, text: str) -> SafeString:
    exact = exact_time(value)
    return SafeString(f'<time datetime="{escape(value.isoformat())}" title="{escape(exact)}">{escape(text)}</time>')


def _age(value: datetime) -> str:
    return timesince(value, depth=1)  # the largest unit only: "6 days", "6 dni"


def exact_time(value: datetime) -> str:
    """date_format(localtime(value), "SHORT_DATETIME_FORMAT"), drawn as such once per cell of 50 rows."""
    template = numeric_date_template(str(get_format("SHORT_DATETIME_FORMAT")))
    return template.format(localtime(value)) if template else date_format(localtime(value), "SHORT_DATETIME_FORMAT")


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
