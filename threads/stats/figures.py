"""Figures of the statistics page, as plain data, in a fixed number of queries (the "overall statistics
panel" anchor in the last section of docs/spec.md).

Definitions (the page's help text says the same):
- a thread is received on the day of its first incoming message; auto-replies are not received mail;
- answered per day: replies by staff delivered that day (outgoing messages with an author, counted when the
  SMTP server took them: a reply still queued, failed, given up or bounced is no answer);
- first-response time: from a thread's first incoming message to the first delivery of a reply after it,
  for the threads received in the period; that message's author is the thread's first responder;
- resolution time: from a thread's creation to its first change to archived, for the threads
  first archived in the period that hold customer mail.
Days are calendar days in the site time zone (settings.TIME_ZONE).

Medians and percentiles are computed in Python: PostgreSQL and SQLite share no percentile function.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, Min, OuterRef

from pok.permissions import visible_poks
from threads.models import Delivery, Direction, EventKind, Message, Status, ThreadEvent


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (as PostgreSQL's percentile_cont); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Durations:
    """How many times were measured, their median and 90th percentile, in seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, seconds: list[float]) -> "Durations":
        return cls(len(seconds), percentile(seconds, 0.5), percentile(seconds, 0.9))


@dataclass
class PokFigures:
    pok_id: int | None  # None: all the selected POKs together
    name: str
    received: int = 0
    answered: int = 0
    unanswered: int = 0  # received in the period, no reply yet
    first_response: Durations = field(default_factory=Durations)
    resolution: Durations = field(default_factory=Durations)


@dataclass(frozen=True)
class DayRow:
    day: date
    pok_id: int
    pok_name: str
    received: int
    answered: int


@dataclass
class StaffFigures:
    user_id: int
    name: str
    username: str
    replies: int = 0  # replies sent in the period
    owned: int = 0  # threads received in the period that they own now
    first_response: Durations = field(default_factory=Durations)  # of the threads they answered first


@dataclass
class Report:
    date_from: date
    date_to: date
    days: list[date]
    day_rows: list[DayRow]  # every day x every selected POK, zeros included
    poks: list[PokFigures]
    total: PokFigures
    staff: list[StaffFigures]


@dataclass(frozen=True)
class _Received:
    thread_id: int
    pok_id: int
    owner_id: int | None
    first_in: datetime


@dataclass(frozen=True)
class _Outgoing:
    thread_id: int
    pok_id: int
    date: datetime
    author_id: int | None


@dataclass(frozen=True)
class _FirstResponse:
    pok_id: int
    seconds: float
    author_id: int | None


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> date:
    return datetime.now(site_zone()).date()


def last_days(days: int) -> tuple[date, date]:
    """The last `days` days, today included."""
    end = today()
    return end - timedelta(days=days - 1), end


def report(user, date_from: date, date_to: date, pok_ids=None) -> Report:
    """The figures of the POKs the user may see (only `pok_ids` of them, if given) from date_from to date_to."""
    poks = visible_poks(user).order_by("name")
    if pok_ids is not None:
        poks = poks.filter(pk__in=pok_ids)
    names = dict(poks.values_list("pk", "name"))
    zone = site_zone()
    start = datetime.combine(date_from, time.min, zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, zone)
    received = _received(list(names), start, end)
    outgoing = _outgoing(list(names), start)
    resolutions = _resolutions(list(names), start, end)
    answered = [row for row in outgoing if row.author_id is not None and row.date < end]
    first_responses = _first_responses(received, outgoing)
    days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    return Report(
        date_from=date_from,
        date_to=date_to,
        days=days,
        day_rows=_day_rows(days, names, received, answered, zone),
        poks=[
            _pok_figures(pok_id, name, received, answered, first_responses, resolutions)
            for pok_id, name in names.items()
        ],
        total=_pok_figures(None, "", received, answered, first_responses, resolutions),
        staff=_staff_figures(received, answered, first_responses),
    )


def _customer_mail():
    return Message.objects.filter(direction=Direction.INCOMING, is_auto_reply=False)


def _received(pok_ids, start, end) -> list[_Received]:
    rows = (
        _customer_mail()
        .filter(thread__pok_id__in=pok_ids)
        .values("thread_id", "thread__pok_id", "thread__owner_id")
        .annotate(first_in=Min("date"))
        .filter(first_in__gte=start, first_in__lt=end)
        .order_by()
        .values_list("thread_id", "thread__pok_id", "thread__owner_id", "first_in")
    )
    return [_Received(*row) for row in rows]


def _outgoing(pok_ids, start) -> list[_Outgoing]:
    """Every reply delivered from the start on, at its delivery time: the answered counts and the first
    responses (which may come after the period) both come from these rows."""
    rows = Message.objects.filter(
        direction=Direction.OUTGOING,
        thread__pok_id__in=pok_ids,
        delivery=Delivery.SENT,
        sent_at__gte=start,
        bounced_at__isnull=True,
        is_acknowledgement=False,
    ).values_list("thread_id", "thread__pok_id", "sent_at", "author_id")
    return [_Outgoing(*row) for row in rows.order_by()]


def _resolutions(pok_ids, start, end) -> list[tuple[int, float]]:
    """(POK, seconds from creation to first archiving) of the threads first archived in the period.

    Threads without customer mail (only auto-replies, archived on arrival) are left out."""
    customer_mail = _customer_mail().filter(thread_id=OuterRef("thread_id"))
    rows = (
        ThreadEvent.objects.filter(kind=EventKind.STATUS, new_value=Status.ARCHIVED, thread__pok_id__in=pok_ids)
        .filter(Exists(customer_mail))
        .values("thread_id", "thread__pok_id", "thread__created_at")
        .annotate(archived_at=Min("created_at"))
        .filter(archived_at__gte=start, archived_at__lt=end)
        .order_by()
        .values_list("thread__pok_id", "thread__created_at", "archived_at")
    )
    return [(pok_id, (archived_at - created_at).total_seconds()) for pok_id, created_at, archived_at in rows]


def _first_responses(received: list[_Received], outgoing: list[_Outgoing]) -> dict[int, _FirstResponse]:
    """Thread id -> its first response, for the received threads that have one."""
    first_in = {row.thread_id: row.first_in for row in received}
    first: dict[int, _Outgoing] = {}
    for row in outgoing:
        since = first_in.get(row.thread_id)
        if since is None or row.date <= since:
            continue
        known = first.get(row.thread_id)
        if known is None or row.date < known.date:
            first[row.thread_id] = row
    return {
        thread_id: _FirstResponse(row.pok_id, (row.date - first_in[thread_id]).total_seconds(), row.author_id)
        for thread_id, row in first.items()
    }


def _day_rows(days, names, received, answered, zone) -> list[DayRow]:
    received_on = Counter((row.first_in.astimezone(zone).date(), row.pok_id) for row in received)
    answered_on = Counter((row.date.astimezone(zone).date(), row.pok_id) for row in answered)
    return [
        DayRow(day, pok_id, name, received_on[day, pok_id], answered_on[day, pok_id])
        for day in days
        for pok_id, name in names.items()
    ]


def _pok_figures(pok_id, name, received, answered, first_responses, resolutions) -> PokFigures:
    def mine(row_pok_id):
        return pok_id is None or row_pok_id == pok_id

    my_received = [row for row in received if mine(row.pok_id)]
    return PokFigures(
        pok_id=pok_id,
        name=name,
        received=len(my_received),
        answered=sum(1 for row in answered if mine(row.pok_id)),
        unanswered=sum(1 for row in my_received if row.thread_id not in first_responses),
        first_response=Durations.of([row.seconds for row in first_responses.values() if mine(row.pok_id)]),
        resolution=Durations.of([seconds for row_pok_id, seconds in resolutions if mine(row_pok_id)]),
    )


def _staff_figures(received, answered, first_responses) -> list[StaffFigures]:
    replies = Counter(row.author_id for row in answered)
    owned = Counter(row.owner_id for row in received if row.owner_id is not None)
    times = defaultdict(list)
    for row in first_responses.values():
        if row.author_id is not None:
            times[row.author_id].append(row.seconds)
    user_ids = set(replies) | set(owned) | set(times)
    if not user_ids:
        return []
    users = get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username", "first_name", "last_name")
    staff = [
        StaffFigures(
            user_id=pk,
            name=f"{first} {last}".strip() or username,
            username=username,
            replies=replies[pk],
            owned=owned[pk],
            first_response=Durations.of(times[pk]),
        )
        for pk, username, first, last in users
    ]
    return sorted(staff, key=lambda figures: (-figures.replies, figures.name.lower()))
