"""Thread business rules: creation, incoming mail, status changes, assignment, replies and notes, erasure.

Every write to a thread's status, owner, counters or existence from outside this app goes through here
(`refresh_counters`, from threads.counters, is shared with the outbox). Every status change and
assignment writes a ThreadEvent (spec 9.3).
"""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from pok.models import Pok
from threads import outbox
from threads.composing import OutgoingFile, compose
from threads.counters import count_incoming, refresh_counters
from threads.models import Attachment, Delivery, Direction, EventKind, Message, Status, Thread, ThreadEvent
from threads.notifications import notify_new_owner
from threads.permissions import may_own


class ActionRefused(Exception):
    """A thread action the rules do not allow; str() is the message for staff."""


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
    thread = Thread.objects.create(
        pok=pok,
        subject=subject[:500],
        customer_email=customer_email.lower(),
        customer_name=customer_name[:255],
        recipient=recipient[:500],
        message_count=1 if first_mail else 0,
        last_message_at=first_mail.date if first_mail else None,
        has_problem=bool(first_mail and (first_mail.parse_problem or first_mail.too_large)),
    )
    ThreadEvent.objects.create(thread=thread, kind=EventKind.CREATED, new_value=thread.status, actor=actor)
    return thread


def thread_from_mail(pok: Pok, *, subject: str, customer_email: str, customer_name: str, first_mail: Message) -> Thread:
    """A thread begun by an incoming mail (`first_mail`, not saved yet); an auto-reply's starts archived."""
    thread = create_thread(
        pok,
        subject=subject,
        customer_email=customer_email,
        customer_name=customer_name,
        recipient=first_mail.to,
        first_mail=first_mail,
    )
    if first_mail.is_auto_reply:
        change_status(thread, status=Status.ARCHIVED)
    return thread


def customer_wrote(thread: Thread, *, message: Message) -> None:
    """An incoming mail joined the thread: counted, and the thread is new again unless it is an auto-reply."""
    if not message.is_auto_reply and thread.status != Status.NEW:
        change_status(thread, status=Status.NEW)
    count_incoming(thread, message)


@transaction.atomic
def change_status(thread: Thread, *, status: str, actor: User | None = None) -> bool:
    """Set the status; returns whether it changed."""
    if status not in Status.values:
        raise ActionRefused(_("Unknown status: %(status)s") % {"status": status})
    if thread.status == status:
        return False
    ThreadEvent.objects.create(
        thread=thread, kind=EventKind.STATUS, old_value=thread.status, new_value=status, actor=actor
    )
    thread.status = status
    Thread.objects.filter(pk=thread.pk).update(status=status)
    return True


@transaction.atomic
def assign_owner(thread: Thread, *, owner: User | None, actor: User | None = None) -> bool:
    """Make `owner` (or nobody, with None) the thread's owner; only the POK's staff may own it (spec 3.3)."""
    if owner is not None and not may_own(thread, owner):
        raise ActionRefused(
            _("%(user)s is not assigned to the service point %(pok)s and cannot own its threads.")
            % {"user": owner.get_username(), "pok": thread.pok.name}
        )
    if thread.owner_id == (owner.pk if owner else None):
        return False
    ThreadEvent.objects.create(
        thread=thread,
        kind=EventKind.ASSIGNED,
        old_value=thread.owner.get_username() if thread.owner else "",
        new_value=owner.get_username() if owner else "",
        actor=actor,
    )
    thread.owner = owner
    Thread.objects.filter(pk=thread.pk).update(owner=owner)
    transaction.on_commit(lambda: notify_new_owner(thread, owner, actor))
    return True


@transaction.atomic
def erase_mail(threads: list[Thread], *, messages: list[Message]) -> int:
    """Delete whole threads and single messages of other threads (a personal-data erasure); returns how many
    threads went. A thread left without messages only held the erased person's words (its subject too)."""
    touched = {message.thread_id for message in messages}
    Message.objects.filter(pk__in=[m.pk for m in messages]).delete()
    thread_ids = [thread.pk for thread in threads]
    thread_ids += list(Thread.objects.filter(pk__in=touched, messages__isnull=True).values_list("pk", flat=True))
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
    author: User,
    text: str,
    recipient: str,
    files: list[OutgoingFile],
    reply_to: Message | None,
) -> Message:
    composed = compose(thread, text, recipient, files, reply_to=reply_to)
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
        to=recipient,
        date=now,
        subject=composed.subject,
        body_text=text,
        reply_text=text,
        author=author,
        size=len(composed.raw),
        delivery=Delivery.QUEUED,
        next_attempt_at=now,
    )
    message.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(composed.raw), save=False)
    message.save()
    _save_files(message, files)
    transaction.on_commit(lambda: outbox.deliver(message.pk))
    return message


@transaction.atomic
def reply(
    thread: Thread, *, author: User, text: str, files: Iterable[OutgoingFile] = (), then_status: str = Status.WAITING
) -> Message:
    """Answer the customer; the mail is queued, sent after commit (spec 9.2.5)."""
    files = list(files)
    _check_files(files)
    then_status = _closing_status(then_status)
    last_incoming = thread.messages.filter(direction=Direction.INCOMING).order_by("-date", "-id").first()
    message = _queue_mail(thread, author, text, thread.customer_email, files, last_incoming)
    if thread.owner_id is None and may_own(thread, author):
        assign_owner(thread, owner=author, actor=author)
    change_status(thread, status=then_status, actor=author)
    refresh_counters(thread)
    return message


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
) -> Thread:
    """A new thread begun by staff (spec 10)."""
    files = list(files)
    recipient = recipient.strip().lower()
    try:
        validate_email(recipient)
    except ValidationError:
        raise ActionRefused(
            _("The recipient is not a valid e-mail address: %(value)s") % {"value": recipient}
        ) from None
    if not subject.strip():
        raise ActionRefused(_("A new thread needs a subject."))
    _check_files(files)
    then_status = _closing_status(then_status)
    thread = create_thread(pok, subject=subject.strip(), customer_email=recipient, actor=author, recipient=recipient)
    _queue_mail(thread, author, text, recipient, files, reply_to=None)
    if may_own(thread, author):
        assign_owner(thread, owner=author, actor=author)
    change_status(thread, status=then_status, actor=author)
    refresh_counters(thread)
    return thread
