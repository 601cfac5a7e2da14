"""Delivering outgoing mail: committed first, sent after, never twice (spec 12).

A message is claimed by one atomic UPDATE (queued/failed -> sending), so two
senders at once (two cron runs, a request and cron) cannot both send it. A
message left in "sending" by a crash may or may not have reached the server:
it is turned into a failure that only a person can retry, never retried
automatically.
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
from threads.counters import refresh_counters
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
    error = _send(message)
    attempts = message.attempts + 1
    if error:
        retry_at = timezone.now() + BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else None
        Message.objects.filter(pk=pk).update(
            delivery=Delivery.FAILED, attempts=attempts, last_error=error, next_attempt_at=retry_at
        )
        log.warning("message %s not sent (attempt %s): %s", pk, attempts, error)
    else:
        Message.objects.filter(pk=pk).update(
            delivery=Delivery.SENT, attempts=attempts, last_error="", sent_at=timezone.now(), next_attempt_at=None
        )
        _copy_to_sent_folder(message)
    refresh_counters(message.thread)
    return not error


def _send(message: Message) -> str:
    """Hands the stored raw message to the POK's SMTP server; returns the error, or ""."""
    pok = message.pok
    recipients = [address for _name, address in getaddresses([message.to, message.cc]) if address]
    try:
        with message.raw.open("rb") as stored:
            raw = stored.read()
        client = open_smtp(pok)
    except ConnectionFailed as error:
        return str(error)
    except STORAGE_ERRORS as error:
        return _("The stored message file cannot be read: %(error)s") % {"error": error}
    try:
        client.sendmail(pok.from_address, recipients, raw)
    except smtplib.SMTPException as error:
        return f"SMTP {pok.smtp_host}:{pok.smtp_port}: {_smtp_error(error)}"
    except OSError as error:
        return f"SMTP {pok.smtp_host}:{pok.smtp_port}: {error}"
    finally:
        close_quietly(client)
    return ""


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


@transaction.atomic
def retry(message: Message) -> bool:
    """A person asks to send a failed message again now."""
    updated = Message.objects.filter(pk=message.pk, delivery=Delivery.FAILED).update(
        delivery=Delivery.QUEUED, next_attempt_at=timezone.now()
    )
    if updated:
        transaction.on_commit(lambda: deliver(message.pk))
    return bool(updated)


def give_up_stale() -> int:
    """Messages stuck in "sending" (the sender died) become failures that only a person may retry."""
    return Message.objects.filter(delivery=Delivery.SENDING, next_attempt_at__lt=timezone.now() - STALE_SENDING).update(
        delivery=Delivery.FAILED,
        next_attempt_at=None,
        last_error=_("Interrupted while sending: it may have been delivered. Check with the customer before retrying."),
    )
