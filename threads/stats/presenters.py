"""The figures as the page shows them: durations in words, table rows, the charts' data."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from threads.stats.figures import Durations, PokFigures, Report


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


def minutes(seconds: float | None) -> int | str:
    return "" if seconds is None else round(seconds / 60)


def times(durations: Durations) -> dict:
    return {"count": durations.count, "median": humane(durations.median), "p90": humane(durations.p90)}


def pok_row(figures: PokFigures) -> dict:
    return {
        "name": figures.name or _("All selected service points"),
        "received": figures.received,
        "answered": figures.answered,
        "unanswered": figures.unanswered,
        "first_response": times(figures.first_response),
        "resolution": times(figures.resolution),
    }


def day_totals(report: Report) -> list[dict]:
    totals = {day: {"day": day, "received": 0, "answered": 0} for day in report.days}
    for row in report.day_rows:
        totals[row.day]["received"] += row.received
        totals[row.day]["answered"] += row.answered
    return list(totals.values())


def chart_data(report: Report) -> dict:
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
