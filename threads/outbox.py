"""Delivering outgoing mail: committed first, sent after, never twice (spec 12).

A message is claimed by one atomic UPDATE (queued/failed -> sending), so two
senders at once (two cron runs, a request and cron) cannot both send it. A
message left in "sending" by a crash may or may not have reached the server:
it is turned into a failure that only a person can retry, never retried
automatically. What a delivery outcome does to the thread is decided by
services.settle_delivery.
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import getaddresses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.storage import STORAGE_ERRORS
from pok.connections import ConnectionFailed, close_quietly, open_imap, open_smtp
from pok.failures import PERMANENT, Failure, classify
from threads.models import Delivery, Direction, Message

log = logging.getLogger(__name__)

BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360)]
STALE_SENDING = timedelta(minutes=15)


def due_messages(now=None):
    now = now or timezone.now()
    return Message.objects.filter(
        direction=Direction.OUTGOING, delivery__in=[Delivery.QUEUED, Delivery.FAILED], next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")


def send_due(before_each=lambda: None) -> dict:
    """Send everything that is due; returns counts for the command's summary.
    `before_each()` runs before each message and may raise to stop (the job's lock check)."""
    counts = {"sent": 0, "failed": 0, "interrupted": give_up_stale()}
    for pk in list(due_messages().values_list("pk", flat=True)):
        before_each()
        outcome = deliver(pk)
        if outcome is not None:
            counts["sent" if outcome else "failed"] += 1
    return counts


def claim(pk: int) -> bool:
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=pk, delivery__in=[Delivery.QUEUED, Delivery.FAILED], next_attempt_at__lte=now
    ).update(delivery=Delivery.SENDING, next_attempt_at=now)
    return claimed == 1


def deliver(pk: int) -> bool | None:
    """Try to send one message now; None when someone else has it or it is not due."""
    if not claim(pk):
        return None
    message = Message.objects.select_related("pok", "thread").get(pk=pk)
    failure = _send(message)
    attempts = message.attempts + 1
    if failure:
        kind, error = failure
        retry_at = None if kind in PERMANENT or attempts > len(BACKOFF) else timezone.now() + BACKOFF[attempts - 1]
        Message.objects.filter(pk=pk).update(
            delivery=Delivery.FAILED, attempts=attempts, last_error=error, failure=kind, next_attempt_at=retry_at
        )
        log.warning("message %s not sent (attempt %s): %s", pk, attempts, error)
    else:
        Message.objects.filter(pk=pk).update(
            delivery=Delivery.SENT,
            attempts=attempts,
            last_error="",
            failure="",
            sent_at=timezone.now(),
            next_attempt_at=None,
        )
        _copy_to_sent_folder(message)
    _settle(pk)
    return not failure


def _settle(pk: int, actor=None) -> None:
    # services queues mail through this module, so it is imported here, not at the top.
    from threads import services

    services.settle_delivery(Message.objects.select_related("thread").get(pk=pk), actor=actor)


def _send(message: Message) -> tuple[Failure, str] | None:
    """Hands the stored raw message to the POK's SMTP server; returns (kind, technical line) or None."""
    pok = message.pok
    recipients = envelope_recipients(message)
    try:
        with message.raw.open("rb") as stored:
            raw = stored.read()
        client = open_smtp(pok)
    except ConnectionFailed as error:
        return error.kind, str(error)
    except STORAGE_ERRORS as error:
        return Failure.OTHER, _("The stored message file cannot be read: %(error)s") % {"error": error}
    try:
        client.sendmail(pok.from_address, recipients, raw)
    except smtplib.SMTPException as error:
        return classify(error), f"SMTP {pok.smtp_host}:{pok.smtp_port}: {_smtp_error(error)}"
    except OSError as error:
        return classify(error), f"SMTP {pok.smtp_host}:{pok.smtp_port}: {error}"
    finally:
        close_quietly(client)
    return None


def envelope_recipients(message: Message) -> list[str]:
    """Everyone the message goes to: To and Cc from its headers, Bcc only here (never in a header)."""
    return [address for _name, address in getaddresses([message.to, message.cc, message.bcc]) if address]


def _smtp_error(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{address} ({code} {reason.decode(errors='replace')})"
            for address, (code, reason) in error.recipients.items()
        )
        return _("recipient refused: %(refused)s") % {"refused": refused}
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        return f"{error.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return str(error) or type(error).__name__


def _copy_to_sent_folder(message: Message) -> None:
    if not message.pok.imap_sent_folder:
        return
    try:
        client = open_imap(message.pok)
        try:
            with message.raw.open("rb") as stored:
                client.append(message.pok.imap_sent_folder, stored.read(), flags=[b"\\Seen"])
        finally:
            close_quietly(client)
    except Exception as error:  # noqa: BLE001 - the mail went out; a missing Sent copy must not undo that
        log.warning("message %s sent, but not copied to the Sent folder: %s", message.pk, error)


def retry(message: Message) -> bool:
    """A person asks to send a failed message again now: it is sent once the caller's transaction commits."""
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, delivery=Delivery.FAILED).update(
            delivery=Delivery.QUEUED, failure="", next_attempt_at=timezone.now()
        )
        if updated:
            _settle(message.pk)
            transaction.on_commit(lambda: deliver(message.pk))
    return bool(updated)


def give_up(message: Message, actor) -> bool:
    """A person gives up a failed message: never sent, and it no longer keeps its thread new."""
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, delivery=Delivery.FAILED).update(
            delivery=Delivery.CANCELLED, next_attempt_at=None
        )
        if updated:
            _settle(message.pk, actor=actor)
    return bool(updated)


def give_up_stale() -> int:
    """Messages stuck in "sending" (the sender died) become failures that only a person may retry."""
    stale = Message.objects.filter(delivery=Delivery.SENDING, next_attempt_at__lt=timezone.now() - STALE_SENDING)
    count = 0
    for pk in list(stale.values_list("pk", flat=True)):
        count += Message.objects.filter(pk=pk, delivery=Delivery.SENDING).update(
            delivery=Delivery.FAILED,
            next_attempt_at=None,
            failure=Failure.INTERRUPTED,
            last_error=_("Interrupted while sending: it may have been delivered."),
        )
        _settle(pk)
    return count
