"""The statistics page and its CSV exports; the figures come from threads.stats."""

import csv
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crm.permissions import staff_required
from pok.models import Pok
from pok.permissions import visible_poks
from threads import stats

MAX_DAYS = 731
DEFAULT_DAYS = 30


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    poks = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Service points"),
        queryset=Pok.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all you can see."),
    )

    def __init__(self, user, data):
        if not data.get("date_from") and not data.get("date_to"):
            date_from, date_to = stats.last_days(DEFAULT_DAYS)
            data = data.copy()
            data["date_from"], data["date_to"] = date_from.isoformat(), date_to.isoformat()
        super().__init__(data)
        self.fields["poks"].queryset = visible_poks(user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        date_to = cleaned.get("date_to") or stats.today()
        date_from = cleaned.get("date_from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            raise forms.ValidationError(_("The start of the period is after its end."))
        if (date_to - date_from).days >= MAX_DAYS:
            raise forms.ValidationError(_("The period is too long: at most %(days)d days.") % {"days": MAX_DAYS})
        cleaned["date_from"], cleaned["date_to"] = date_from, date_to
        return cleaned

    def report(self, user) -> stats.Report:
        chosen = self.cleaned_data["poks"]
        pok_ids = [pok.pk for pok in chosen] if chosen else None
        return stats.report(user, self.cleaned_data["date_from"], self.cleaned_data["date_to"], pok_ids)

    def query(self) -> str:
        """The query string of the cleaned period, for the CSV links: they export what the page shows."""
        return urlencode(
            {
                "date_from": self.cleaned_data["date_from"].isoformat(),
                "date_to": self.cleaned_data["date_to"].isoformat(),
                "poks": [pok.pk for pok in self.cleaned_data["poks"]],
            },
            doseq=True,
        )


def humane(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def _minutes(seconds: float | None) -> int | str:
    return "" if seconds is None else round(seconds / 60)


def _times(durations: stats.Durations) -> dict:
    return {"count": durations.count, "median": humane(durations.median), "p90": humane(durations.p90)}


def _pok_row(figures: stats.PokFigures) -> dict:
    return {
        "name": figures.name or _("All selected service points"),
        "received": figures.received,
        "answered": figures.answered,
        "unanswered": figures.unanswered,
        "first_response": _times(figures.first_response),
        "resolution": _times(figures.resolution),
    }


def _day_totals(report: stats.Report) -> list[dict]:
    totals = {day: {"day": day, "received": 0, "answered": 0} for day in report.days}
    for row in report.day_rows:
        totals[row.day]["received"] += row.received
        totals[row.day]["answered"] += row.answered
    return list(totals.values())


def chart_data(report: stats.Report) -> dict:
    """What static/crm-stats.js draws: one list per POK of its daily counts, hours for the times."""
    by_pok = {figures.pok_id: ([], []) for figures in report.poks}
    for row in report.day_rows:
        by_pok[row.pok_id][0].append(row.received)
        by_pok[row.pok_id][1].append(row.answered)
    return {
        "days": [date_format(day, "j E") for day in report.days],
        "poks": [figures.name for figures in report.poks],
        "received": [received for received, _answered in by_pok.values()],
        "answered": [answered for _received, answered in by_pok.values()],
        "firstResponse": _hour_series(figures.first_response for figures in report.poks),
        "resolution": _hour_series(figures.resolution for figures in report.poks),
        "staff": {
            "names": [figures.name for figures in report.staff],
            "replies": [figures.replies for figures in report.staff],
            "owned": [figures.owned for figures in report.staff],
        },
        "labels": {
            "median": _("Median"),
            "p90": _("90th percentile"),
            "hours": _("hours"),
            "replies": _("Replies sent"),
            "owned": _("Threads owned"),
        },
    }


def _hour_series(durations) -> dict:
    durations = list(durations)
    return {"median": [_hours(d.median) for d in durations], "p90": [_hours(d.p90) for d in durations]}


@require_GET
@staff_required
def overview(request):
    form = PeriodForm(request.user, request.GET)
    context = {"form": form, "time_zone": settings.TIME_ZONE}
    if form.is_valid():
        report = form.report(request.user)
        context.update(
            report=report,
            pok_rows=[_pok_row(figures) for figures in [*report.poks, report.total]],
            day_totals=_day_totals(report),
            staff_rows=[
                {
                    "name": figures.name,
                    "replies": figures.replies,
                    "owned": figures.owned,
                    "first_response": _times(figures.first_response),
                }
                for figures in report.staff
            ],
            charts=chart_data(report),
            csv_links=[
                (f"{reverse('stats:csv', args=[table])}?{form.query()}", label) for table, label in _csv_labels()
            ],
        )
    return render(request, "threads/stats/overview.html", context)


def _csv_labels():
    return [
        ("days", _("Per day and service point")),
        ("poks", _("Per service point")),
        ("staff", _("Per staff member")),
    ]


def _days_table(report: stats.Report) -> list[list]:
    header = [_("Date"), _("Service point"), _("Received"), _("Answered")]
    rows = [[row.day.isoformat(), row.pok_name, row.received, row.answered] for row in report.day_rows]
    return [header, *rows]


def _poks_table(report: stats.Report) -> list[list]:
    header = [
        _("Service point"),
        _("Received"),
        _("Answered"),
        _("Unanswered"),
        _("First responses"),
        _("First response median (minutes)"),
        _("First response 90th percentile (minutes)"),
        _("Resolved"),
        _("Resolution median (minutes)"),
        _("Resolution 90th percentile (minutes)"),
    ]
    rows = [
        [
            figures.name or _("All selected service points"),
            figures.received,
            figures.answered,
            figures.unanswered,
            figures.first_response.count,
            _minutes(figures.first_response.median),
            _minutes(figures.first_response.p90),
            figures.resolution.count,
            _minutes(figures.resolution.median),
            _minutes(figures.resolution.p90),
        ]
        for figures in [*report.poks, report.total]
    ]
    return [header, *rows]


def _staff_table(report: stats.Report) -> list[list]:
    header = [
        _("Staff member"),
        _("User name"),
        _("Replies sent"),
        _("Threads owned"),
        _("First responses"),
        _("First response median (minutes)"),
    ]
    rows = [
        [
            figures.name,
            figures.username,
            figures.replies,
            figures.owned,
            figures.first_response.count,
            _minutes(figures.first_response.median),
        ]
        for figures in report.staff
    ]
    return [header, *rows]


TABLES = {"days": _days_table, "poks": _poks_table, "staff": _staff_table}


@require_GET
@staff_required
def csv_export(request, table):
    if table not in TABLES:
        return HttpResponseBadRequest(_("Unknown table: %(table)s") % {"table": table}, content_type="text/plain")
    form = PeriodForm(request.user, request.GET)
    if not form.is_valid():
        problems = "; ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    report = form.report(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"statistics-{table}-{report.date_from.isoformat()}-{report.date_to.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM: Excel then reads UTF-8 (Polish letters) instead of the ANSI code page
    # Excel splits on the list separator of the region: a semicolon in Poland (decimal comma), a comma in English.
    delimiter = ";" if (get_language() or "").startswith("pl") else ","
    csv.writer(response, delimiter=delimiter).writerows(TABLES[table](report))
    return response
