"""The tables of the CSV exports."""

from django.utils.translation import gettext as _

from threads.stats.figures import Report
from threads.stats.presenters import minutes


def csv_labels():
    return [
        ("days", _("Per day and service point")),
        ("poks", _("Per service point")),
        ("staff", _("Per staff member")),
    ]


def _days_table(report: Report) -> list[list]:
    header = [_("Date"), _("Service point"), _("Received"), _("Answered")]
    rows = [[row.day.isoformat(), row.pok_name, row.received, row.answered] for row in report.day_rows]
    return [header, *rows]


def _poks_table(report: Report) -> list[list]:
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
            minutes(figures.first_response.median),
            minutes(figures.first_response.p90),
            figures.resolution.count,
            minutes(figures.resolution.median),
            minutes(figures.resolution.p90),
        ]
        for figures in [*report.poks, report.total]
    ]
    return [header, *rows]


def _staff_table(report: Report) -> list[list]:
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
            minutes(figures.first_response.median),
        ]
        for figures in report.staff
    ]
    return [header, *rows]


TABLES = {"days": _days_table, "poks": _poks_table, "staff": _staff_table}
