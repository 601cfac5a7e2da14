"""Storing one fetched message into its thread, in one transaction (spec 11, 12).

A message is known by its identity (Message-ID, or a hash of the raw bytes),
unique per POK: what is already here, including copies of our own sent mail,
is a duplicate and is not stored again.
"""

import re
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from mailsync.acknowledging import may_acknowledge
from mailsync.bounces import Bounce, bounce_kind, read_bounce
from mailsync.mime import ParsedMessage, identity, parse_headers, parse_message
from mailsync.routing import BlockedSenders, Route, bounced_original, known_message_ids, route
from mailsync.spam import verdict
from pok.models import Pok
from threads import services
from threads.models import Attachment, Direction, Message
from threads.public_ids import tokens_in
from threads.splitting import reply_text

NEW, DUPLICATE = "new", "duplicate"
SAFE_SUFFIX_RE = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def is_known(pok: Pok, message_identity: str) -> bool:
    return Message.objects.filter(pok=pok, message_id=message_identity).exists()


@dataclass
class ServerPlace:
    """Where a message left on the IMAP server sits."""

    uid: int
    uidvalidity: int


@dataclass
class Incoming:
    """A fetched message parsed and split, and once `write_files` ran, its bytes and attachments in storage:
    what is left to store it is the database. sync_inbox prepares a group's messages before the group's
    transaction, so that neither parsing nor file writes hold the transaction open."""

    parsed: ParsedMessage
    identity: str
    raw: bytes
    reply: str
    raw_name: str = ""
    attachments: list[dict] = field(default_factory=list)  # an Attachment's fields, its file written

    def write_files(self) -> None:
        if self.raw_name:
            return
        self.raw_name = _write(Message.raw.field, f"{uuid.uuid4().hex}.eml", self.raw)
        self.attachments = [_attachment(part) for part in self.parsed.attachments]
        for part in self.parsed.attachments:
            part.payload = b""  # in storage now: a group held for its transaction (and retry) keeps no copy


def prepare(raw: bytes) -> Incoming:
    """Parse `raw` (pure: nothing is written yet)."""
    parsed = parse_message(raw)
    return Incoming(parsed, identity(parsed, raw), raw, reply_text(parsed.text, parsed.html))


def store_message(
    pok: Pok,
    raw: bytes | Incoming,
    absent: str = "",
    *,
    blocked: BlockedSenders | None = None,
    savepoint: bool = True,
    batch: "Batch | None" = None,
) -> tuple[str, Message | None]:
    """Parse (unless `raw` is already prepared) and store it; returns (NEW or DUPLICATE, the message).

    `absent` is an identity the caller has just looked up and not found, saving that query; `blocked` the
    POK's blocked senders if the caller has read them already. With savepoint=False the caller's
    transaction is the message's: any failure, the Message-ID race's IntegrityError included, is raised
    for the caller to roll back the lot (sync_inbox then stores that group again, each in a savepoint).
    A `batch` (savepoint=False only) may hold a message that starts a thread until its `flush`.
    """
    incoming = raw if isinstance(raw, Incoming) else prepare(raw)
    return _store(pok, incoming, None, len(incoming.raw), absent, blocked, savepoint, batch)


def store_too_large(pok: Pok, header_bytes: bytes, size: int, place: ServerPlace) -> tuple[str, Message | None]:
    """Record a message left on the server because of its size: headers only, marked."""
    parsed = parse_headers(header_bytes)
    incoming = Incoming(parsed, identity(parsed, header_bytes), header_bytes, reply_text(parsed.text, parsed.html))
    return _store(pok, incoming, place, size)


def _store(pok, incoming: Incoming, kept_at, size, absent="", blocked=None, savepoint=True, batch=None):
    if incoming.identity != absent and is_known(pok, incoming.identity):
        return DUPLICATE, None
    blocked = blocked or BlockedSenders(pok)
    if batch is not None:
        return NEW, batch.store(incoming, size)
    if not savepoint:
        return NEW, _save(pok, incoming, kept_at, size, blocked)
    try:
        # The thread counts it moves are dropped with the savepoint if it fails (inside sync_inbox's group).
        with transaction.atomic(), services.grouped_counts():
            message = _save(pok, incoming, kept_at, size, blocked)
    except IntegrityError:
        # Another process stored the same identity between our check and our insert.
        return DUPLICATE, None
    return NEW, message


class Batch:
    """A group's messages that start threads, inserted together inside the caller's transaction: the
    threads, the messages and their attachments one statement each (sync_inbox's first attempt at a group).

    A message waits here only when where it goes is known without the database: no thread token in its
    subject, no reference to a message we hold (one query for the whole group's references, before the
    first), not a bounce, no acknowledgement to queue. Any other message is stored at once, by the same
    code as one alone, after what waits is flushed (it may refer to it); `flush` ends the group."""

    def __init__(self, pok: Pok, blocked: BlockedSenders, incomings: list[Incoming]):
        self.pok, self.blocked = pok, blocked
        self.known = known_message_ids(pok, [ref for each in incomings for ref in references_of(each.parsed)])
        self.waiting: list[tuple[Incoming, Message]] = []

    def store(self, incoming: Incoming, size: int) -> Message:
        parsed, raw = incoming.parsed, incoming.raw
        needs_database = self._needs_database(parsed, raw)
        self.known.add(incoming.identity)  # a later message of the group may refer to it
        if needs_database:
            self.flush()
            return _save(self.pok, incoming, None, size, self.blocked)
        placing = _place(self.pok, parsed, raw, self.blocked, known=self.known)
        message = _message_row(self.pok, incoming, placing, None, size)
        _write_files(incoming, message)
        self.waiting.append((incoming, message))
        return message

    def _needs_database(self, parsed: ParsedMessage, raw: bytes) -> bool:
        if parsed.is_bounce or tokens_in(parsed.subject) or self.pok.acknowledge_new and may_acknowledge(parsed, raw):
            return True
        return any(ref in self.known for ref in references_of(parsed))

    def flush(self) -> None:
        if not self.waiting:
            return
        waiting, self.waiting = self.waiting, []
        starts = [
            services.MailStart(i.parsed.subject, i.parsed.from_address, i.parsed.from_name, m) for i, m in waiting
        ]
        for (_incoming, message), thread in zip(waiting, services.threads_from_mails(self.pok, starts), strict=True):
            message.thread = thread
        Message.objects.bulk_create([message for _incoming, message in waiting])
        attachments = [Attachment(message=m, **fields) for incoming, m in waiting for fields in incoming.attachments]
        Attachment.objects.bulk_create(attachments)


def references_of(parsed: ParsedMessage) -> list[str]:
    """The Message-IDs a message names as the ones it answers, nearest first (how routing reads them)."""
    return [parsed.in_reply_to, *reversed(parsed.references)]


@dataclass
class _Placing:
    """Where a message goes, and what it says about mail we sent (a bounce) or about itself (spam)."""

    route: Route
    bounce: Bounce | None = None
    bounced: Message | None = None  # our reply the bounce returns
    spam: str = ""
    auth_warning: str = ""


def _place(pok, parsed: ParsedMessage, raw: bytes, blocked: BlockedSenders, known: set[str] | None = None) -> _Placing:
    bounce = read_bounce(raw) if parsed.is_bounce else None
    bounced = bounced_original(pok, bounce) if bounce else None
    if bounced:
        return _Placing(Route(bounced.thread), bounce, bounced)
    server = verdict(raw)
    spam = blocked.because(parsed.from_address) or server.spam
    if spam:  # never joins (nor reopens) a thread: it starts its own, in the Spam view
        return _Placing(Route(None), spam=spam, auth_warning=server.auth_hint)
    where = route(pok, parsed.subject, parsed.from_address, references_of(parsed), known=known)
    return _Placing(where, auth_warning=server.auth_hint)


def _save(pok, incoming: Incoming, kept_at: ServerPlace | None, size, blocked) -> Message:
    parsed, raw = incoming.parsed, incoming.raw
    placing = _place(pok, parsed, raw, blocked)
    where = placing.route
    message = _message_row(pok, incoming, placing, kept_at, size)
    message.thread = where.thread or _new_thread(pok, parsed, message)
    _write_files(incoming, message)
    message.save()
    Attachment.objects.bulk_create([Attachment(message=message, **fields) for fields in incoming.attachments])
    if where.thread is not None:
        services.customer_wrote(where.thread, message=message)
    if where.thread is None and not placing.spam and pok.acknowledge_new and may_acknowledge(parsed, raw):
        services.acknowledge(message.thread, first_mail=message)
    if placing.bounced:
        bounce = placing.bounce
        services.record_bounce(
            placing.bounced, recipient=bounce.recipient, reason=bounce.reason, kind=bounce_kind(bounce)
        )
    return message


def _message_row(pok, incoming: Incoming, placing: _Placing, kept_at: ServerPlace | None, size) -> Message:
    parsed = incoming.parsed
    return Message(
        pok=pok,
        direction=Direction.INCOMING,
        message_id=incoming.identity,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        from_name=parsed.from_name[:255],
        from_address=parsed.from_address[:255],
        to=_addresses(parsed.to),
        cc=_addresses(parsed.cc),
        date=parsed.date or timezone.now(),
        subject=parsed.subject[:500],
        body_text=parsed.text,
        body_html=parsed.html,
        reply_text=incoming.reply,
        size=size,
        parse_problem=bool(parsed.problems),
        problem_reason="; ".join(parsed.problems),
        is_auto_reply=parsed.is_auto_reply,
        is_bounce=parsed.is_bounce,
        spam_reason=placing.spam[:255],
        auth_warning=placing.auth_warning,
        unknown_sender=placing.route.unknown_sender,
        too_large=kept_at is not None,
        imap_uid=kept_at.uid if kept_at else None,
        imap_uidvalidity=kept_at.uidvalidity if kept_at else None,
    )


def _write_files(incoming: Incoming, message: Message) -> None:
    """The raw mail and attachments on the file store (a no-op when sync_inbox's helper thread wrote them)."""
    incoming.write_files()
    message.raw.name = incoming.raw_name


def _new_thread(pok, parsed: ParsedMessage, first_mail: Message):
    return services.thread_from_mail(
        pok,
        subject=parsed.subject,
        customer_email=parsed.from_address,
        customer_name=parsed.from_name,
        first_mail=first_mail,
    )


def _write(file_field, name: str, content: bytes) -> str:
    """Save `content` where `file_field` keeps its files; returns the stored name."""
    return file_field.storage.save(
        file_field.generate_filename(None, name), ContentFile(content), max_length=file_field.max_length
    )


def _attachment(part) -> dict:
    """An Attachment's fields, its file written (a group stored again after a failure makes new rows)."""
    suffix = SAFE_SUFFIX_RE.search(part.filename)
    stored_name = uuid.uuid4().hex + (f".{suffix.group(1).lower()}" if suffix else "")
    return {
        "file": _write(Attachment.file.field, stored_name, part.payload),
        "filename": part.filename[:255],
        "content_type": part.content_type[:255],
        "size": len(part.payload),
        "content_id": part.content_id[:255],
        "is_inline": part.is_inline,
    }


def _addresses(pairs) -> str:
    return ", ".join(f"{name} <{address}>" if name else address for name, address in pairs)
