"""Thread search and filters for the lists (the "thread search" anchor in the last section of docs/spec.md).

Full text over subjects and what each message's writer wrote (quoted history is
indexed once, in the message it comes from): on PostgreSQL a text-search configuration
`crm_unaccent` (unaccent + simple) with a GIN index, so "zolc" finds "żółć";
on SQLite a correct, slower scan with a Python unaccent function.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from crm.text import unaccent
from threads.models import Message

WORD_RE = re.compile(r"\w+")
MAX_WORDS = 8
# What the writer wrote, without the quoted history (indexed once, in the message it comes from).
FTS_DOCUMENT = "subject || ' ' || reply_text"


@dataclass
class ThreadQuery:
    text: str = ""
    subject: str = ""
    sender: str = ""
    order: str = ""
    status: str = ""
    owner: str = ""  # a user id, "none" for unassigned, "" for anyone
    date_from: date | None = None
    date_to: date | None = None
    undelivered: bool = False  # only threads with a reply not delivered

    def is_empty(self) -> bool:
        return not any(vars(self).values())


def filter_threads(threads: QuerySet, query: ThreadQuery) -> QuerySet:
    if query.subject:
        threads = threads.filter(subject__icontains=query.subject)
    if query.sender:
        threads = threads.filter(
            Q(customer_email__icontains=query.sender) | Exists(_messages().filter(from_address__icontains=query.sender))
        )
    if query.order:
        mentioned = Q(subject__icontains=query.order) | Q(body_text__icontains=query.order)
        threads = threads.filter(Q(subject__icontains=query.order) | Exists(_messages().filter(mentioned)))
    if query.status:
        threads = threads.filter(status=query.status)
    if query.owner == "none":
        threads = threads.filter(owner__isnull=True)
    elif query.owner:
        threads = threads.filter(owner_id=query.owner)
    if query.date_from:
        threads = threads.filter(last_message_at__gte=_start_of(query.date_from))
    if query.date_to:
        threads = threads.filter(last_message_at__lt=_start_of(query.date_to + timedelta(days=1)))
    if query.undelivered:
        threads = threads.filter(Q(has_failed_delivery=True) | Q(has_pending_delivery=True))
    if query.text:
        threads = _full_text(threads, query.text)
    return threads


def _messages():
    return Message.objects.filter(thread=OuterRef("pk"))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(unaccent(text))[:MAX_WORDS]


def _full_text(threads: QuerySet, text: str) -> QuerySet:
    words = words_of(text)
    if not words:
        return threads
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        sql = (
            f"SELECT thread_id FROM threads_message "
            f"WHERE to_tsvector('crm_unaccent', {FTS_DOCUMENT}) @@ to_tsquery('crm_unaccent', %s)"
        )
        return threads.filter(pk__in=RawSQL(sql, [tsquery]))
    likes = " AND ".join(f"crm_unaccent({FTS_DOCUMENT}) LIKE %s" for _ in words)
    sql = f"SELECT thread_id FROM threads_message WHERE {likes}"
    return threads.filter(pk__in=RawSQL(sql, [f"%{word}%" for word in words]))


def register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    """connection_created handler: SQLite has no unaccent, so it gets ours."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("crm_unaccent", 1, unaccent, deterministic=True)
