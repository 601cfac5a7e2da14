"""Thread business rules: creation, incoming mail, status changes, assignment, replies and notes, erasure.

Every write to a thread's status, owner, counters or existence from outside this app goes through here
(`refresh_counters`, from threads.counters, is shared with the outbox). Every status change and
assignment writes a ThreadEvent (spec 9.3). A thread with an undelivered reply is new, whatever its
author chose: the choice is applied when the reply is delivered (settle_delivery; the rules are in
README "Status follows delivery"). The thread counts of the navigation (threads/counts.py) move here, in
the same transaction as the change; `grouped_counts` lets a caller storing many messages in one
transaction write them, and the history events, once.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Now
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from pok.models import Pok
from threads import counts, outbox
from threads.addresses import BadAddress, Recipients, own_addresses, recipients, sender_patterns
from threads.composing import OutgoingFile, compose, signatures_for, writer_language
from threads.counters import count_incoming, refresh_counters
from threads.models import (
    UNDELIVERED_REPLY,
    AcknowledgementTemplate,
    Attachment,
    BlockedSender,
    Delivery,
    Direction,
    EventKind,
    Message,
    ReadMark,
    StaffSignature,
    Status,
    Thread,
    ThreadCount,
    ThreadEvent,
)
from threads.notifications import notify_new_owner
from threads.permissions import may_own, owned_pok_ids

BOUNCED = "bounced"  # the outcome of a delivery event for a reply that came back


class ActionRefused(Exception):
    """A thread action the rules do not allow; str() is the message for staff."""


_pending_events = threading.local()


@contextmanager
def grouped_counts() -> Iterator[None]:
    """The thread counts moved and the history events written inside are written on leaving, one statement
    each (inside the caller's transaction; an enclosing block takes them over); on an error, neither."""
    stack = _pending_events.__dict__.setdefault("stack", [])
    stack.append([])
    try:
        with counts.grouped():
            yield
    except BaseException:
        stack.pop()
        raise
    _write_events(stack.pop())


def _write_events(events: Iterable[ThreadEvent]) -> None:
    """History events, now or at the end of the enclosing `grouped_counts` (in the order they happened)."""
    stack = getattr(_pending_events, "stack", None)
    if stack:
        stack[-1].extend(events)
    else:
        ThreadEvent.objects.bulk_create(events)


def _move_counts(before: Iterable[counts.Key] = (), after: Iterable[counts.Key] = ()) -> None:
    """Threads counted by the keys `before` are now counted by `after` (one statement for all)."""
    deltas = Counter(after)
    deltas.subtract(Counter(before))
    counts.move(deltas)


def _fresh_states(threads: list[Thread]) -> list[Thread]:
    """The threads with status and owner as their rows hold them now, the rows locked till the end of the
    transaction (in id order, so that two bulk changes wait for each other instead of deadlocking); a thread
    deleted meanwhile is left out. The counts move from these states, not from what a page loaded."""
    rows = Thread.objects.select_for_update().filter(pk__in=[t.pk for t in threads]).order_by("pk")
    states = {pk: (status, owner_id) for pk, status, owner_id in rows.values_list("pk", "status", "owner_id")}
    for thread in threads:
        if thread.pk in states and (thread.status, thread.owner_id) != states[thread.pk]:
            thread.status, thread.owner_id = states[thread.pk]
    return [thread for thread in threads if thread.pk in states]


def create_thread(
    pok: Pok,
    *,
    subject: str,
    customer_email: str,
    customer_name: str = "",
    actor: User | None = None,
    recipient: str = "",
    first_mail: Message | None = None,
) -> Thread:
    """A new thread; `first_mail` is the Message it starts with, counted at once (no update after)."""
    thread = _thread_row(pok, subject, customer_email, customer_name, recipient, first_mail)
    thread.save()
    _started([thread], actor)
    return thread


def _thread_row(
    pok: Pok, subject: str, customer_email: str, customer_name: str, recipient: str, first_mail: Message | None
) -> Thread:
    return Thread(
        pok=pok,
        subject=subject[:500],
        customer_email=customer_email.lower(),
        customer_name=customer_name[:255],
        recipient=recipient[:500],
        message_count=1 if first_mail else 0,
        last_message_at=first_mail.date if first_mail else None,
        has_problem=bool(first_mail and (first_mail.parse_problem or first_mail.too_large)),
        last_customer_at=timezone.now() if first_mail and not first_mail.is_auto_reply else None,
    )


def _started(threads: list[Thread], actor: User | None) -> None:
    _write_events([ThreadEvent(thread=t, kind=EventKind.CREATED, new_value=t.status, actor=actor) for t in threads])
    _move_counts(after=[key for thread in threads for key in counts.thread_keys(thread)])


@dataclass
class MailStart:
    """A thread an incoming mail begins: `first_mail` is not saved yet."""

    subject: str
    customer_email: str
    customer_name: str
    first_mail: Message


def thread_from_mail(pok: Pok, *, subject: str, customer_email: str, customer_name: str, first_mail: Message) -> Thread:
    """A thread begun by an incoming mail (`first_mail`, not saved yet); spam's starts in the Spam view,
    an auto-reply's archived."""
    return threads_from_mails(pok, [MailStart(subject, customer_email, customer_name, first_mail)])[0]


def threads_from_mails(pok: Pok, starts: list[MailStart]) -> list[Thread]:
    """thread_from_mail for many mails at once (sync_inbox's groups): one INSERT for the threads, their
    status changes one statement each, whatever their number."""
    threads = [
        _thread_row(pok, s.subject, s.customer_email, s.customer_name, s.first_mail.to, s.first_mail) for s in starts
    ]
    for thread in threads:
        thread.assign_public_id()
    Thread.objects.bulk_create(threads)
    _started(threads, None)
    mails = [start.first_mail for start in starts]
    spam = [thread for thread, mail in zip(threads, mails, strict=True) if mail.spam_reason]
    automatic = [t for t, mail in zip(threads, mails, strict=True) if mail.is_auto_reply and not mail.spam_reason]
    for changed, status in ((spam, Status.SPAM), (automatic, Status.ARCHIVED)):
        if changed:
            change_statuses(changed, status=status)
    return threads


def customer_wrote(thread: Thread, *, message: Message) -> None:
    """An incoming mail joined the thread: counted, and the thread is new again unless it is an auto-reply."""
    if not message.is_auto_reply and thread.status != Status.NEW:
        change_status(thread, status=Status.NEW)
    count_incoming(thread, message)


def change_status(thread: Thread, *, status: str, actor: User | None = None) -> bool:
    """Set the status; returns whether it changed."""
    changed = change_statuses([thread], status=status, actor=actor)
    if thread.status != status:
        raise ActionRefused(
            _(
                "A reply in this thread has not been delivered: the thread stays new until it is. "
                "Retry the reply or give it up first."
            )
        )
    return bool(changed)


@transaction.atomic
def change_statuses(threads: Iterable[Thread], *, status: str, actor: User | None = None) -> list[Thread]:
    """Set the status of many threads, one history event for each one it changes (returned); five queries
    whatever their number, the counts moved with them. A thread with a reply not delivered stays new (left
    out of the result)."""
    if status not in Status.values:
        raise ActionRefused(_("Unknown status: %(status)s") % {"status": status})
    threads = _fresh_states(list(threads))
    held = set(_with_undelivered(threads)) if status != Status.NEW else set()
    changed = [thread for thread in threads if thread.status != status and thread.pk not in held]
    _write_events(
        [
            ThreadEvent(thread=t, kind=EventKind.STATUS, old_value=t.status, new_value=status, actor=actor)
            for t in changed
        ]
    )
    Thread.objects.filter(pk__in=[thread.pk for thread in changed]).update(status=status, changed_at=Now())
    _move_counts(
        before=[key for t in changed for key in counts.thread_keys(t)],
        after=[key for t in changed for key in counts.keys_of(t.pok_id, status, t.owner_id)],
    )
    for thread in changed:
        thread.status = status
    return changed


@transaction.atomic
def assign_owner(thread: Thread, *, owner: User | None, actor: User | None = None) -> bool:
    """Make `owner` (or nobody, with None) the thread's owner; only the POK's staff may own it (spec 3.3)."""
    if owner is not None and not may_own(thread, owner):
        raise ActionRefused(
            _("%(user)s is not assigned to the service point %(pok)s and cannot own its threads.")
            % {"user": owner.get_username(), "pok": thread.pok.name}
        )
    if not _hand_over(_fresh_states([thread]), owner=owner, actor=actor):
        return False
    transaction.on_commit(lambda: notify_new_owner(thread, owner, actor))
    return True


def mark_read(threads: Iterable[Thread], *, user: User) -> None:
    """The user has seen these threads as they are now: one upsert, however many threads."""
    now = timezone.now()
    ReadMark.objects.bulk_create(
        [ReadMark(user=user, thread=thread, read_at=now) for thread in threads],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["read_at"],
    )


def mark_unread(threads: Iterable[Thread], *, user: User) -> None:
    """The user's read marks go: threads with a customer message are unread for them again (one DELETE)."""
    ReadMark.objects.filter(user=user, thread__in=[thread.pk for thread in threads]).delete()


@transaction.atomic
def assign_owners(
    threads: Iterable[Thread], *, owner: User | None, actor: User | None = None
) -> tuple[list[Thread], list[Thread]]:
    """The bulk hand-over: `owner` (or nobody) for every thread of a POK they work in, one history event
    each; returns (changed, refused). A fixed number of queries; no hand-over mail per thread."""
    threads = list(threads)
    allowed_poks = owned_pok_ids(owner) if owner is not None else None
    refused = [t for t in threads if allowed_poks is not None and t.pok_id not in allowed_poks]
    allowed = _fresh_states([t for t in threads if t not in refused])
    return _hand_over(allowed, owner=owner, actor=actor), refused


def _hand_over(threads: list[Thread], *, owner: User | None, actor: User | None) -> list[Thread]:
    """`owner` for those of the (freshly read) threads that have another one; returns them."""
    owner_id = owner.pk if owner else None
    changed = [t for t in threads if t.owner_id != owner_id]
    _write_events(
        [
            ThreadEvent(
                thread=thread,
                kind=EventKind.ASSIGNED,
                old_value=thread.owner.get_username() if thread.owner else "",
                new_value=owner.get_username() if owner else "",
                actor=actor,
            )
            for thread in changed
        ]
    )
    Thread.objects.filter(pk__in=[thread.pk for thread in changed]).update(owner=owner, changed_at=Now())
    _move_counts(
        before=[key for t in changed for key in counts.thread_keys(t)],
        after=[key for t in changed for key in counts.keys_of(t.pok_id, t.status, owner_id)],
    )
    for thread in changed:
        thread.owner = owner
    return changed


@transaction.atomic
def owner_leaving(user: User) -> None:
    """`user` is being deleted: the database sets their threads' owner to none, their counts follow."""
    deltas: Counter = Counter()
    for row in ThreadCount.objects.filter(owner_key=user.pk, kind__in=counts.COUNTED_KINDS).exclude(count=0):
        deltas[(row.pok_id, row.kind, row.status, user.pk)] -= row.count
        deltas[(row.pok_id, row.kind, row.status, counts.NO_OWNER)] += row.count
    counts.move(deltas)


@transaction.atomic
def erase_mail(threads: list[Thread], *, messages: list[Message]) -> int:
    """Delete whole threads and single messages of other threads (a personal-data erasure); returns how many
    threads went. A thread left without messages only held the erased person's words (its subject too)."""
    touched = {message.thread_id for message in messages}
    Message.objects.filter(pk__in=[m.pk for m in messages]).delete()
    thread_ids = [thread.pk for thread in threads]
    thread_ids += list(Thread.objects.filter(pk__in=touched, messages__isnull=True).values_list("pk", flat=True))
    doomed = Thread.objects.select_for_update().filter(pk__in=thread_ids).order_by("pk")
    states = doomed.values_list("pok_id", "status", "owner_id")
    _move_counts(before=[key for state in states for key in counts.keys_of(*state)])
    Thread.objects.filter(pk__in=thread_ids).delete()
    for thread in Thread.objects.filter(pk__in=touched):
        refresh_counters(thread)
    return len(thread_ids)


def _check_files(files: list[OutgoingFile]) -> None:
    limit = settings.CRM_MAX_ATTACHMENT_BYTES
    total = sum(len(f.content) for f in files)
    if total > limit:
        raise ActionRefused(
            _("Attachments are too large: %(size)s in all, the limit is %(limit)s (CRM_MAX_ATTACHMENT_BYTES).")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )


def _closing_status(status: str) -> str:
    if status not in (Status.WAITING, Status.ARCHIVED):
        raise ActionRefused(_("After sending, a thread is either waiting or archived."))
    return status


def _save_files(message: Message, files: list[OutgoingFile]) -> None:
    for file in files:
        attachment = Attachment(
            message=message, filename=file.filename[:255], content_type=file.content_type, size=len(file.content)
        )
        attachment.file.save(uuid.uuid4().hex, ContentFile(file.content), save=False)
        attachment.save()


def _queue_mail(
    thread: Thread,
    author: User | None,
    text: str,
    to: Recipients,
    files: list[OutgoingFile],
    reply_to: Message | None,
    then_status: str,
    acknowledgement: bool = False,
) -> Message:
    language = writer_language(thread.pok, author)
    signatures = signatures_for(thread.pok, author, language)
    composed = compose(
        thread, text, to.to, files, reply_to=reply_to, cc=to.cc, signatures=signatures, language=language
    )
    now = timezone.now()
    message = Message(
        thread=thread,
        pok=thread.pok,
        direction=Direction.OUTGOING,
        message_id=composed.message_id,
        in_reply_to=composed.in_reply_to,
        references=" ".join(composed.references),
        from_name=thread.pok.from_name,
        from_address=thread.pok.from_address,
        to=to.to,
        cc=", ".join(to.cc),
        bcc=", ".join(to.bcc),
        date=now,
        subject=composed.subject,
        body_text=text,
        reply_text=text,
        author=author,
        size=len(composed.raw),
        delivery=Delivery.QUEUED,
        next_attempt_at=now,
        then_status=then_status,
        is_acknowledgement=acknowledgement,
    )
    message.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(composed.raw), save=False)
    message.save()
    _save_files(message, files)
    if not acknowledgement:  # those wait for send_outbox: an import run does not stop to send mail
        transaction.on_commit(lambda: outbox.deliver(message.pk))
    return message


DEFAULT_ACKNOWLEDGEMENT = {
    "pl": "Dzień dobry,\n\ndziękujemy za wiadomość. Zgłoszenie otrzymało numer {token}; odpowiemy najszybciej, "
    "jak to możliwe. Odpowiadając, prosimy zostawić ten numer w temacie.",
    "en": "Hello,\n\nthank you for your message. Your request has the number {token}; we will answer as soon "
    "as we can. When you reply, please keep this number in the subject.",
}


def acknowledge(thread: Thread, *, first_mail: Message) -> Message | None:
    """The automatic acknowledgement of a new request, if the POK sends them and this sender has not had
    one within CRM_ACK_QUIET_HOURS (loop guard); queued, sent by send_outbox. None when not sent."""
    pok = thread.pok
    address = first_mail.from_address.lower()
    if not pok.acknowledge_new or not address or address in own_addresses():
        return None
    since = timezone.now() - timedelta(hours=settings.CRM_ACK_QUIET_HOURS)
    already = Message.objects.filter(pok=pok, is_acknowledgement=True, to=address, created_at__gte=since)
    if already.exists():
        return None
    template = AcknowledgementTemplate.objects.filter(pok=pok, language=pok.language).values_list("text", flat=True)
    text = template.first() or DEFAULT_ACKNOWLEDGEMENT.get(pok.language, DEFAULT_ACKNOWLEDGEMENT["en"])
    text = text.replace("{token}", thread.token).replace("{subject}", thread.subject)
    message = _queue_mail(thread, None, text, Recipients(address), [], first_mail, "", acknowledgement=True)
    refresh_counters(thread)
    return message


def _recipients(to: str, cc: Iterable[str], bcc: Iterable[str]) -> Recipients:
    try:
        return recipients(to, list(cc), list(bcc))
    except BadAddress as error:
        raise ActionRefused(str(error)) from None


@transaction.atomic
def reply(
    thread: Thread,
    *,
    author: User,
    text: str,
    files: Iterable[OutgoingFile] = (),
    then_status: str = Status.WAITING,
    to: str = "",
    cc: Iterable[str] = (),
    bcc: Iterable[str] = (),
) -> Message:
    """Answer the customer (`to`, by default the thread's customer, plus `cc` and `bcc`); the mail is
    queued, sent after commit (spec 9.2.5); `then_status` applies once it is delivered."""
    files = list(files)
    _check_files(files)
    then_status = _closing_status(then_status)
    addressed = _recipients(to or thread.customer_email, cc, bcc)
    last_incoming = thread.messages.filter(direction=Direction.INCOMING).order_by("-date", "-id").first()
    message = _queue_mail(thread, author, text, addressed, files, last_incoming, then_status)
    if thread.owner_id is None and may_own(thread, author):
        assign_owner(thread, owner=author, actor=author)
    change_status(thread, status=Status.NEW, actor=author)
    refresh_counters(thread)
    return message


def set_own_signature(user: User, *, text: str) -> None:
    """A staff member's own signature, set by themself."""
    StaffSignature.objects.update_or_create(user=user, defaults={"text": text.strip()})


@transaction.atomic
def add_note(thread: Thread, *, author: User, text: str, files: Iterable[OutgoingFile] = ()) -> Message:
    """An internal note: stored with the thread, never sent."""
    files = list(files)
    _check_files(files)
    message = Message.objects.create(
        thread=thread,
        pok=thread.pok,
        direction=Direction.NOTE,
        date=timezone.now(),
        body_text=text,
        reply_text=text,
        author=author,
        from_name=author.get_full_name() or author.get_username(),
    )
    _save_files(message, files)
    return message


@transaction.atomic
def start_thread(
    pok: Pok,
    *,
    author: User,
    recipient: str,
    subject: str,
    text: str,
    files: Iterable[OutgoingFile] = (),
    then_status: str = Status.WAITING,
    cc: Iterable[str] = (),
    bcc: Iterable[str] = (),
) -> Thread:
    """A new thread begun by staff (spec 10); `then_status` applies once its mail is delivered."""
    files = list(files)
    recipient = recipient.strip().lower()
    try:
        validate_email(recipient)
    except ValidationError:
        raise ActionRefused(
            _("The recipient is not a valid e-mail address: %(value)s") % {"value": recipient}
        ) from None
    addressed = _recipients(recipient, cc, bcc)
    if not subject.strip():
        raise ActionRefused(_("A new thread needs a subject."))
    _check_files(files)
    then_status = _closing_status(then_status)
    thread = create_thread(pok, subject=subject.strip(), customer_email=recipient, actor=author, recipient=recipient)
    _queue_mail(thread, author, text, addressed, files, None, then_status)
    if may_own(thread, author):
        assign_owner(thread, owner=author, actor=author)
    refresh_counters(thread)
    return thread


def _undelivered(thread: Thread) -> QuerySet[Message]:
    return Message.objects.filter(UNDELIVERED_REPLY, thread_id=thread.pk)


def _with_undelivered(threads: list[Thread]) -> QuerySet[Message, int]:
    """The ids of those threads with a reply not delivered."""
    ids = [thread.pk for thread in threads]
    return Message.objects.filter(UNDELIVERED_REPLY, thread_id__in=ids).values_list("thread_id", flat=True)


@transaction.atomic
def settle_delivery(message: Message, *, actor: User | None = None) -> None:
    """What an outgoing message's delivery state means for its thread; called after every change of it.

    Sent, or given up: once no reply of the thread is undelivered, the thread takes the status chosen
    with its newest delivered reply, unless the customer has written since that reply was written.
    Failed for good: a history event with the reason; the thread stays (or becomes) new.
    """
    thread = _locked(message.thread_id)
    if message.delivery == Delivery.FAILED and message.next_attempt_at is None:
        _delivery_event(thread, message.failure, Delivery.FAILED, actor)
        change_status(thread, status=Status.NEW)
    elif message.delivery == Delivery.CANCELLED:
        _delivery_event(thread, message.failure, Delivery.CANCELLED, actor)
    if message.delivery in (Delivery.SENT, Delivery.CANCELLED):
        _apply_chosen_status(thread)
    refresh_counters(thread)


@transaction.atomic
def record_bounce(original: Message, *, recipient: str, reason: str, kind: str) -> bool:
    """A delivery report says `original` never reached `recipient`: it is marked bounced, and its thread
    is new again with a history event. Returns False when it was marked already (a second report)."""
    thread = _locked(original.thread_id)
    marked = Message.objects.filter(pk=original.pk, bounced_at__isnull=True).update(
        bounced_at=timezone.now(), bounce_recipient=recipient[:255], bounce_reason=reason, failure=kind
    )
    if not marked:
        return False
    _delivery_event(thread, kind, BOUNCED, None)
    change_status(thread, status=Status.NEW)
    return True


@transaction.atomic
def mark_spam(thread: Thread, *, actor: User | None) -> None:
    """Staff call a thread spam: it goes to the Spam view and its sender is blocked in this POK."""
    change_status(thread, status=Status.SPAM, actor=actor)
    _block_senders([thread], actor=actor)


@transaction.atomic
def mark_spams(threads: Iterable[Thread], *, actor: User | None) -> list[Thread]:
    """mark_spam for many threads in a fixed number of queries; returns those moved (a thread with a reply
    not delivered stays where it is)."""
    changed = change_statuses(threads, status=Status.SPAM, actor=actor)
    _block_senders(changed, actor=actor)
    return changed


def _block_senders(threads: list[Thread], *, actor: User | None) -> None:
    # bulk_create skips BlockedSender.save(), which would normalise the pattern the same way.
    senders = {(t.pok_id, t.customer_email.strip().lower()) for t in threads if t.customer_email.strip()}
    BlockedSender.objects.bulk_create(
        [BlockedSender(pok_id=pok_id, pattern=email, created_by=actor) for pok_id, email in senders],
        ignore_conflicts=True,
    )


@transaction.atomic
def not_spam(thread: Thread, *, actor: User | None) -> int:
    """Back from the Spam view to the INBOX (new), and the sender unblocked: the address and its domains.
    Returns how many blocks were lifted."""
    patterns = sender_patterns(thread.customer_email)
    lifted, _kinds = BlockedSender.objects.filter(pok=thread.pok, pattern__in=patterns).delete()
    change_status(thread, status=Status.NEW, actor=actor)
    return lifted


def _locked(thread_id: int) -> Thread:
    """The thread, its row locked till the end of the transaction. An UPDATE first takes the write lock on
    SQLite too, where a read first would have to upgrade its lock (refused while another writer waits)."""
    Thread.objects.filter(pk=thread_id).update(has_pending_delivery=F("has_pending_delivery"))
    return Thread.objects.select_related("pok").get(pk=thread_id)


def _delivery_event(thread: Thread, failure: str, outcome: str, actor: User | None) -> None:
    _write_events(
        [ThreadEvent(thread=thread, kind=EventKind.DELIVERY, old_value=failure, new_value=outcome, actor=actor)]
    )


def _apply_chosen_status(thread: Thread) -> None:
    if _undelivered(thread).exists():
        return
    chosen = (
        Message.objects.filter(thread=thread, direction=Direction.OUTGOING, delivery=Delivery.SENT)
        .exclude(then_status="")
        .order_by("-created_at", "-id")
        .first()
    )
    if chosen is None:
        return
    Message.objects.filter(thread=thread, direction=Direction.OUTGOING).exclude(then_status="").update(then_status="")
    customer_wrote_since = Message.objects.filter(
        thread=thread, direction=Direction.INCOMING, is_auto_reply=False, created_at__gt=chosen.created_at
    ).exists()
    if not customer_wrote_since:
        change_status(thread, status=chosen.then_status, actor=chosen.author)


def repair_counts(pok: Pok) -> int:
    """Recount the POK's threads and repair its stored counts; returns how many counters were wrong."""
    return counts.repair(pok.pk)
