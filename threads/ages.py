"""Ages at a glance ("6 days ago", "waiting 6 days"; the Polish from Django's timesince) with the exact
date and time on hover, as escaped HTML (the thread tables build their rows from strings)."""

from datetime import datetime
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext as _


def ago(value: datetime) -> SafeString:
    return _when(value, _("%(time)s ago") % {"time": _age(value)})


def waiting(since: datetime) -> SafeString:
    return _when(since, _("waiting %(time)s") % {"time": _age(since)})


def _when(value: datetime, text: str) -> SafeString:
    exact = date_format(localtime(value), "SHORT_DATETIME_FORMAT")
    return SafeString(f'<time datetime="{escape(value.isoformat())}" title="{escape(exact)}">{escape(text)}</time>')


def _age(value: datetime) -> str:
    return timesince(value, depth=1)  # the largest unit only: "6 days", "6 dni"
