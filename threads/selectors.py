"""Read-side queries of the staff pages, each a fixed number of SQL queries."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Concat, Trim
from django.db.models.query import ValuesListIterable
from django.utils.functional import cached_property

from crm import prepared
from crm.staff import by_shown_name
from customers.baselinker import SearchButton, search_buttons
from pok.models import Pok
from pok.permissions import visible_poks
from threads import counts
from threads.models import (
    UNDELIVERED,
    Attachment,
    Direction,
    Message,
    ReadMark,
    Status,
    Thread,
    ThreadCount,
    ThreadEvent,
)
from threads.permissions import visible_threads

INBOX_STATUSES = (Status.NEW, Status.WAITING)
# What a thread table's rows draw (threads/tables.py): of 50 rows no other column is read or converted.
ROW_FIELDS = (
    "public_id",
    "subject",
    "customer_email",
    "customer_name",
    "recipient",
    "status",
    "last_message_at",
    "last_customer_at",
    "message_count",
    "has_problem",
    "has_failed_delivery",
    "has_pending_delivery",
)
ROW_VALUES = (
    *ROW_FIELDS,
    "pok_id",
    "pok__name",
    "pok__from_address",
    "owner_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)
COUNT_CAP = 1000
OTHER_THREADS_SHOWN = 20
CARD_THREADS_SHOWN = 100
SENDER_MESSAGES_READ = 500
UNDELIVERED_THREAD = Q(has_failed_delivery=True) | Q(has_pending_delivery=True)


@dataclass
class PokPanel:
    pok: Pok
    new: int = 0
    waiting: int = 0
    archived: int = 0
    spam: int = 0
    undelivered: int = 0  # threads with a reply not delivered (sending, retrying or failed)
    unread: int = 0
    unread_capped: bool = False  # more than `unread`, which is COUNT_CAP

    @property
    def inbox(self) -> int:
        return self.new + self.waiting

    def total(self, statuses: Iterable[str]) -> "ListTotal":
        """The POK's threads in these statuses, from its counters."""
        return ListTotal(sum(getattr(self, status) for status in statuses))


def pok_panels(user: User) -> list[PokPanel]:
    """Every POK the user sees with its thread counts, its undelivered threads and the user's unread INBOX
    threads: one query, however many POKs. The status counts come from the counters (threads/counts.py)
    and cost the same at any size; the undelivered threads are counted per POK from the partial index
    thread_undelivered, which holds only those, and the unread ones among the INBOX threads only (partial
    index thread_inbox_customer) up to COUNT_CAP + 1 ("1000+"). Drawn on every staff page: the query's SQL
    is built once per process (crm.prepared)."""
    panels = []
    for pok in prepared.for_user("pok_panels", _panel_poks, user):
        unread_count = pok.unread_count or 0
        # int(): PostgreSQL sums a bigint column as numeric, and raw rows are not converted to the field types.
        counts = {status: int(getattr(pok, f"{status}_count") or 0) for status in Status.values}
        panels.append(
            PokPanel(
                pok,
                **counts,
                undelivered=pok.undelivered_count or 0,
                unread=min(unread_count, COUNT_CAP),
                unread_capped=unread_count > COUNT_CAP,
            )
        )
    return panels


def _panel_poks(user: User) -> QuerySet[Pok]:
    undelivered = Thread.objects.filter(UNDELIVERED_THREAD, pok=OuterRef("pk")).order_by().values("pok")
    by_status = {
        f"{status}_count": Subquery(
            _counters(pok=OuterRef("pk"), status=status).values("pok").annotate(n=Sum("count")).values("n")
        )
        for status in Status.values
    }
    return (
        visible_poks(user)
        .order_by("name")
        .annotate(
            **by_status,
            # COUNT(*): an index-only scan
            undelivered_count=Subquery(undelivered.annotate(n=Count("*")).values("n")),
            unread_count=_unread_count(user),
        )
    )


def _unread_count(user: User) -> Subquery:
    """The user's unread INBOX threads of the outer POK, up to COUNT_CAP + 1: the search stops there."""
    found = Thread.objects.filter(unread(user), pok=OuterRef(OuterRef("pk")), status__in=INBOX_STATUSES)
    limited = found.order_by().values("pk")[: COUNT_CAP + 1]
    return Subquery(Thread.objects.filter(pk__in=limited).annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def unread(user: User) -> Q:
    """Threads with a customer message that arrived after the user last opened them (or never opened)."""
    seen = ReadMark.objects.filter(user=user, thread=OuterRef("pk"), read_at__gte=OuterRef("last_customer_at"))
    return Q(Q(last_customer_at__isnull=False), ~Exists(seen))


def with_unread(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """Each thread with `unread` for this user (bold in the lists), in the same query."""
    return threads.annotate(unread=ExpressionWrapper(unread(user), output_field=BooleanField()))


def owned_counts(user: User) -> dict[str, int]:
    """Status -> how many threads `user` owns in the POKs they see (one query on the counters)."""
    rows = _counters(pok__in=visible_poks(user), owner_key=user.pk).values_list("status").annotate(n=Sum("count"))
    return {status: count for status, count in rows if count}


@dataclass
class ListTotal:
    """How many threads a list holds; `capped` when there are more than `count` (a filtered list counts no further)."""

    count: int
    capped: bool = False


def owned_total(user: User, statuses: Iterable[str]) -> ListTotal:
    """The "My threads" list's size: the user's own threads in these statuses from the counters, and the
    others with a reply of theirs not delivered, found through the partial index thread_undelivered (two
    queries)."""
    statuses = list(statuses)
    owned = owned_counts(user)
    others = visible_threads(user).filter(pk__in=_others_undelivered_by(user, Q(owner=user, status__in=statuses)))
    return ListTotal(sum(owned.get(status, 0) for status in statuses) + others.count())


def capped_total(threads: QuerySet[Thread]) -> ListTotal:
    """The rows of a filtered list, counted up to COUNT_CAP only: the cost stops there however many match."""
    found = threads.order_by()[: COUNT_CAP + 1].count()
    return ListTotal(min(found, COUNT_CAP), capped=found > COUNT_CAP)


def _counters(**where: object) -> QuerySet[ThreadCount]:
    return ThreadCount.objects.filter(kind=counts.THREADS, **where).order_by()


def pok_threads(pok: Pok, statuses: Iterable[str]) -> QuerySet[Thread]:
    """The threads of one list (spec 7): INBOX is new + waiting, Archive is archived, Spam is spam (a thread
    table reads them as ThreadRows, table_rows)."""
    return pok.threads.filter(status__in=statuses)


def owned_threads(user: User, statuses: Iterable[str]) -> QuerySet[Thread]:
    """The "My threads" list: the user's own threads in the given statuses, across the POKs they see,
    and every thread where a reply they wrote is not delivered (whoever owns it)."""
    statuses = list(statuses)
    own = Q(owner=user, status__in=statuses)
    return visible_threads(user).filter(own | Q(pk__in=_others_undelivered_by(user, own)))


def _others_undelivered_by(user: User, own: Q) -> list[int]:
    """The threads outside `own` holding a reply of the user's not delivered (one query over the partial index
    thread_undelivered). Usually none - the author of a reply becomes the owner of an unowned thread - and
    then the list walks its owner index in order (thread_inbox_owner_last) and stops after one page."""
    found = Thread.objects.filter(UNDELIVERED_THREAD, Exists(_undelivered_by(user))).exclude(own)
    return list(found.values_list("pk", flat=True).order_by())


def _undelivered_by(user: User) -> QuerySet[Message]:
    return Message.objects.filter(
        thread=OuterRef("pk"), author=user, direction=Direction.OUTGOING, delivery__in=UNDELIVERED
    )


def undelivered_reply_count(user: User) -> int:
    """How many replies the user wrote that are not delivered yet, in the POKs they see."""
    return Message.objects.filter(
        thread__in=visible_threads(user), author=user, direction=Direction.OUTGOING, delivery__in=UNDELIVERED
    ).count()


class ThreadRow:
    """One row of a thread table, read with values_list (ROW_VALUES): what its cells draw, without a Thread
    and a User built per row; its POK and owner are built once per distinct one on the page."""

    __slots__ = (*ROW_FIELDS, "pok", "owner", "unread")
    pok: Pok
    owner: User | None
    unread: bool
    token = Thread.token
    undelivered = Thread.undelivered


class _Rows(ValuesListIterable):
    def __iter__(self) -> Iterator[ThreadRow]:
        return thread_rows(super().__iter__())


def thread_rows(rows: Iterable[tuple]) -> Iterator[ThreadRow]:
    """ThreadRows of ROW_VALUES tuples (and `unread` after them, when the list has it)."""
    poks: dict[int, Pok] = {}
    owners: dict[int, User] = {}
    fields = len(ROW_FIELDS)
    for values in rows:
        row = ThreadRow()
        for name, value in zip(ROW_FIELDS, values, strict=False):
            setattr(row, name, value)
        pok_id, pok_name, from_address, owner_id, username, first_name, last_name = values[fields : fields + 7]
        if pok_id not in poks:
            poks[pok_id] = Pok(pk=pok_id, name=pok_name, from_address=from_address)
        row.pok = poks[pok_id]
        if owner_id is not None and owner_id not in owners:
            owners[owner_id] = User(pk=owner_id, username=username, first_name=first_name, last_name=last_name)
        row.owner = owners.get(owner_id)
        row.unread = values[fields + 7] if len(values) > fields + 7 else False
        yield row


def table_rows(threads: QuerySet[Thread]) -> QuerySet:
    """A list's threads as ThreadRows (the `unread` annotation too, when the list has it): one query."""
    unread = ("unread",) if "unread" in threads.query.annotations else ()
    rows = threads.values_list(*ROW_VALUES, *unread)
    rows._iterable_class = _Rows  # values_list's own way of building rows (Django sets it so), ours per row
    return rows


class PokListRows:
    """The rows of a POK's unfiltered list (INBOX, Archive, Spam) as a thread table reads them: ordered, sliced
    to a page, iterated; the same ThreadRows as table_rows(with_unread(pok_threads(pok, statuses), user)).
    Their SQL is built by the ORM once per process for each list, sort, page and kind of user (crm.prepared),
    then run with this POK's and this user's ids: building and compiling that queryset took more CPU than the
    database takes to answer it."""

    model = Thread

    def __init__(
        self, pok: Pok, statuses: Iterable[str], user: User, order: Iterable[str] = (), window: slice = slice(None)
    ):
        self.pok, self.statuses, self.user = pok, tuple(statuses), user
        self.order, self.window = tuple(order), window

    def queryset(self, pok: Pok | None = None, user: User | None = None) -> QuerySet:
        """These rows as the ORM's queryset (for this POK and user unless others are given)."""
        threads = with_unread(pok_threads(pok or self.pok, self.statuses), user or self.user)
        return table_rows(threads).order_by(*self.order)[self.window]

    def order_by(self, *fields: str) -> "PokListRows":
        return PokListRows(self.pok, self.statuses, self.user, fields, self.window)

    def __getitem__(self, window: slice) -> "PokListRows":
        if not isinstance(window, slice) or self.window != slice(None):
            raise TypeError("a page of the list: one slice of the ordered rows")
        return PokListRows(self.pok, self.statuses, self.user, self.order, window)

    def count(self) -> int:
        return self.queryset().count()

    def __iter__(self) -> Iterator[ThreadRow]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    @cached_property
    def _rows(self) -> list[ThreadRow]:
        key = ("pok list", self.statuses, self.order, self.window.start, self.window.stop)
        return list(thread_rows(prepared.values(key, self.queryset, pok=self.pok, user=self.user)))


def live_version(user: User) -> str:
    """What the open lists' poll compares: the latest change of a thread in each POK the user sees, one
    query of one index lookup (thread_pok_changed) per POK, whatever the number of threads."""
    return ";".join(f"{pok}:{when.timestamp() if when else ''}" for pok, when in latest_changes(user))


def latest_changes(user: User) -> QuerySet:
    """(POK id, its threads' latest change) for each POK the user sees."""
    latest = Thread.objects.filter(pok=OuterRef("pk")).order_by("-changed_at").values("changed_at")[:1]
    return visible_poks(user).order_by("pk").annotate(latest=Subquery(latest)).values_list("pk", "latest")


def new_since(user: User, when: datetime) -> int:
    """Threads with customer mail arrived after `when` in the user's POKs (thread_pok_customer index)."""
    return Thread.objects.filter(pok__in=visible_poks(user), last_customer_at__gt=when).count()


ANSWERED_SHOWN = 5


def answered_owned(user: User, after: datetime) -> list[Thread]:
    """The user's own threads a customer wrote in after `after`, newest first, at most ANSWERED_SHOWN: the live
    poll's browser notifications. One query over the thread_owner_customer index, whatever the archive."""
    threads = Thread.objects.filter(owner=user, last_customer_at__gt=after, pok__in=visible_poks(user))
    return list(threads.exclude(status=Status.SPAM).order_by("-last_customer_at")[:ANSWERED_SHOWN])


def possible_owners(user: User) -> QuerySet[User]:
    """Everyone who works in a POK the user sees: whom the user's threads may be handed to."""
    return by_shown_name(User.objects.filter(pok_memberships__pok__in=visible_poks(user), is_active=True).distinct())


def next_to_answer(pok: Pok, after: Thread | None) -> tuple[Thread | None, bool]:
    """The INBOX walk: the next new thread after `after` (oldest last message first), wrapping round
    to the start; returns (thread or None when no other is left, whether it wrapped)."""
    waiting = Thread.objects.filter(pok=pok, status=Status.NEW, last_message_at__isnull=False).order_by(
        "last_message_at", "id"
    )
    if after is None:
        return waiting.first(), False
    if after.last_message_at is not None:
        later = Q(last_message_at__gt=after.last_message_at) | Q(last_message_at=after.last_message_at, id__gt=after.pk)
        following = waiting.filter(later).first()
        if following is not None:
            return following, False
    return waiting.exclude(pk=after.pk).first(), True


def thread_messages(thread: Thread) -> QuerySet[Message]:
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    return thread.messages.select_related("author").prefetch_related(attachments).order_by("date", "id")


def thread_history(thread: Thread) -> QuerySet[ThreadEvent]:
    """The history panel's events; a hand-over (stored by login) with the people's names, in the same query."""
    return (
        thread.events.select_related("actor")
        .annotate(old_name=_name_of("old_value"), new_name=_name_of("new_value"))
        .order_by("created_at", "id")
    )


def _name_of(login_field: str) -> Subquery:
    person = User.objects.filter(username=OuterRef(login_field))
    return Subquery(person.annotate(name=Trim(Concat("first_name", Value(" "), "last_name"))).values("name")[:1])


def other_threads(user: User, thread: Thread) -> QuerySet[Thread]:
    """Threads of the same customer e-mail the user may see (spec 9.5), newest first."""
    if not thread.customer_email:
        return Thread.objects.none()
    return (
        visible_threads(user)
        .filter(customer_email=thread.customer_email)
        .exclude(pk=thread.pk)
        .select_related("pok", "owner")
        .order_by("-last_message_at", "-id")[:OTHER_THREADS_SHOWN]
    )


def sender_emails(thread: Thread, messages: Iterable[Message]) -> list[str]:
    """The customer's address and every other address customers wrote from, in order of appearance."""
    emails = [thread.customer_email] if thread.customer_email else []
    for message in messages:
        address = message.from_address.lower()
        if message.direction == Direction.INCOMING and address and address not in emails:
            emails.append(address)
    return emails


def thread_search_buttons(thread: Thread, messages: Iterable[Message], emails: list[str]) -> list[SearchButton]:
    """BaseLinker search buttons (spec 8.3.3) from this thread's senders and subjects: no query."""
    incoming = [m for m in messages if m.direction == Direction.INCOMING]
    return search_buttons(emails, [thread.subject] + [m.subject for m in incoming], [m.from_name for m in incoming])


def card_threads(user: User, email: str) -> list[Thread]:
    """The newest CARD_THREADS_SHOWN + 1 threads of this e-mail the user may see (one more tells "there are more")."""
    threads = visible_threads(user).filter(customer_email=email.strip().lower()).select_related("pok", "owner")
    return list(threads.order_by("-last_message_at", "-id")[: CARD_THREADS_SHOWN + 1])


def card_search_buttons(email: str, threads: list[Thread]) -> list[SearchButton]:
    """BaseLinker search buttons from the card's e-mail and the senders and subjects of its threads."""
    senders = list(
        Message.objects.filter(thread__in=[t.pk for t in threads], direction=Direction.INCOMING)
        .order_by("-date")
        .values_list("from_address", "from_name", "subject")[:SENDER_MESSAGES_READ]
    )
    emails = [email] + [address for address, _name, _subject in senders]
    subjects = [t.subject for t in threads] + [subject for _address, _name, subject in senders]
    names = [name for _address, name, _subject in senders]
    return search_buttons(emails, subjects, names)
