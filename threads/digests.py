"""E-mail digests for owners: the threads a staff member owns where a customer wrote since their previous
digest, for those who chose one (hourly or daily, crm.models.Preferences).

Never twice, never lost: which messages a digest tells is decided and recorded (DigestEntry, unique per
owner and message) in one transaction before anything is sent, and the digest then moves PREPARED ->
SENDING -> SENT by atomic updates, SENDING only just before the mail is handed to the SMTP server. A run
killed before that leaves a PREPARED digest, which the next run sends; one killed while handing it over
may or may not have delivered it, so the next run sets it aside (INTERRUPTED) and never sends it again. A
server that cannot be reached or refuses the mail (FAILED) releases the digest's messages into the next one.
"""

import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import Digest, Preferences
from crm.preferences import mail_language
from pok.connections import ConnectionFailed, close_quietly, open_smtp
from pok.models import Pok
from pok.permissions import visible_poks
from threads.models import DigestEntry, DigestState, Direction, Message, OwnerDigest, Status

# Customer mail is told from the previous digest on, less this: a message stored by a long import
# transaction can carry an arrival time just before it. The entries keep it from being told twice.
OVERLAP = timedelta(hours=1)
MAX_MESSAGES = 500  # per digest; the rest goes into the next one


@dataclass
class Outcome:
    user: str
    threads: int
    messages: int
    state: str  # a DigestState, or "" when another run had it
    error: str = ""


def period_start(frequency: str, now: datetime) -> datetime:
    """Where the current period of a digest frequency began: the hour, or today's (or yesterday's)
    CRM_DIGEST_HOUR in the CRM's time zone."""
    local = timezone.localtime(now)
    if frequency == Digest.HOURLY:
        return local.replace(minute=0, second=0, microsecond=0)
    start = local.replace(hour=settings.CRM_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return start if start <= local else start - timedelta(days=1)


def due_owners(now: datetime) -> list[Preferences]:
    """Active staff with an e-mail address who chose a digest and had none yet in its current period
    (one query; a failed digest does not count, its messages wait for the next try)."""
    last = (
        OwnerDigest.objects.filter(user=OuterRef("user"))
        .exclude(state=DigestState.FAILED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    chosen = (
        Preferences.objects.filter(digest__in=[Digest.HOURLY, Digest.DAILY], user__is_active=True, user__is_staff=True)
        .exclude(user__email="")
        .select_related("user")
        .annotate(last_digest=Subquery(last))
        .order_by("user_id")
    )
    return [p for p in chosen if p.last_digest is None or p.last_digest < period_start(p.digest, now)]


def untold_messages(preferences: Preferences) -> list[Message]:
    """Customer messages in the user's threads since their previous digest, not in any digest of theirs yet.
    The threads are found by the thread_owner_customer index, so the cost follows the new mail, not the archive."""
    user = preferences.user
    since = preferences.digest_since
    if since is None:
        return []
    last_digest = getattr(preferences, "last_digest", None)
    if last_digest is not None:
        since = max(since, last_digest - OVERLAP)
    told = DigestEntry.objects.filter(user=user, message=OuterRef("pk"))
    messages = (
        Message.objects.filter(
            thread__owner=user,
            thread__last_customer_at__gt=since,
            thread__pok__in=visible_poks(user),
            direction=Direction.INCOMING,
            is_auto_reply=False,
            is_bounce=False,
            spam_reason="",
            created_at__gt=since,
        )
        .exclude(thread__status=Status.SPAM)
        .filter(~Exists(told))
        .select_related("thread")
        .order_by("created_at", "id")
    )
    return list(messages[:MAX_MESSAGES])


def _sending_pok(messages: list[Message]) -> Pok | None:
    """The POK of most of the messages that can send mail: the digest goes out through its SMTP server."""
    told = Counter(message.thread.pok_id for message in messages)
    poks = Pok.objects.filter(pk__in=list(told), active=True).exclude(from_address="").exclude(smtp_host="")
    return min(poks, key=lambda pok: (-told[pok.pk], pok.pk), default=None)


def prepare(preferences: Preferences, *, now: datetime) -> OwnerDigest | None:
    """Decide and record one digest (its entries in the same transaction); None when there is nothing new,
    no POK of the user's threads can send mail, or another run recorded these messages first."""
    try:
        with transaction.atomic():
            messages = untold_messages(preferences)
            pok = _sending_pok(messages) if messages else None
            if pok is None:
                return None
            digest = OwnerDigest.objects.create(user=preferences.user, pok=pok, created_at=now)
            DigestEntry.objects.bulk_create(
                DigestEntry(digest=digest, user=preferences.user, message=message) for message in messages
            )
            return digest
    except IntegrityError:
        return None


def set_aside_interrupted() -> int:
    """Digests a dead run left "sending" may have gone out: never sent again (called under the job's lock)."""
    return OwnerDigest.objects.filter(state=DigestState.SENDING).update(
        state=DigestState.INTERRUPTED, error=_("Interrupted while sending: it may have been delivered.")
    )


def prepared() -> list[int]:
    """Digests decided but not handed to SMTP yet (this run's and a killed run's), oldest first."""
    return list(
        OwnerDigest.objects.filter(state=DigestState.PREPARED).order_by("created_at", "pk").values_list("pk", flat=True)
    )


def send(digest_id: int) -> Outcome:
    """Hand one prepared digest to its POK's SMTP server."""
    digest = OwnerDigest.objects.select_related("user", "pok").get(pk=digest_id)
    entries = list(
        DigestEntry.objects.filter(digest=digest).select_related("message__thread").order_by("message__created_at")
    )
    rows = _rows(entries)
    outcome = Outcome(digest.user.get_username(), len(rows), len(entries), "")
    if digest.pok is None:
        return _failed(digest, outcome, _("The service point it was to be sent through is gone."))
    raw = _mail(digest, rows).message().as_bytes()
    try:
        client = open_smtp(digest.pok)
    except ConnectionFailed as error:
        return _failed(digest, outcome, str(error))
    try:
        claimed = OwnerDigest.objects.filter(pk=digest.pk, state=DigestState.PREPARED).update(state=DigestState.SENDING)
        if not claimed:
            return outcome
        try:
            client.sendmail(digest.pok.from_address, [digest.user.email], raw)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
            return _failed(digest, outcome, f"SMTP {digest.pok.smtp_host}:{digest.pok.smtp_port}: {error}")
        except (smtplib.SMTPException, OSError) as error:
            # The connection broke while the mail was being handed over: it may have been delivered.
            OwnerDigest.objects.filter(pk=digest.pk).update(state=DigestState.INTERRUPTED, error=str(error))
            outcome.state, outcome.error = DigestState.INTERRUPTED, str(error)
            return outcome
    finally:
        close_quietly(client)
    OwnerDigest.objects.filter(pk=digest.pk).update(state=DigestState.SENT, sent_at=timezone.now())
    outcome.state = DigestState.SENT
    return outcome


@transaction.atomic
def _failed(digest: OwnerDigest, outcome: Outcome, error: str) -> Outcome:
    """Certainly not delivered: the digest stays as a record of the failure, its messages go to the next one."""
    OwnerDigest.objects.filter(pk=digest.pk).update(state=DigestState.FAILED, error=error)
    DigestEntry.objects.filter(digest=digest).delete()
    outcome.state, outcome.error = DigestState.FAILED, error
    return outcome


@dataclass
class Row:
    thread: object
    count: int
    latest: datetime
    link: str


def _rows(entries: list[DigestEntry]) -> list[Row]:
    """One row per thread, in the order of their newest message, newest first."""
    base = settings.CRM_BASE_URL.rstrip("/")
    rows: dict[int, Row] = {}
    for entry in entries:
        message = entry.message
        row = rows.get(message.thread_id)
        if row is None:
            link = base + reverse("threads:detail", args=[message.thread.public_id])
            rows[message.thread_id] = Row(message.thread, 1, message.created_at, link)
        else:
            row.count += 1
            row.latest = max(row.latest, message.created_at)
    return sorted(rows.values(), key=lambda row: row.latest, reverse=True)


def _mail(digest: OwnerDigest, rows: list[Row]) -> EmailMessage:
    """The digest in its recipient's language (else the POK's)."""
    user, pok = digest.user, digest.pok
    context = {
        "user": user,
        "rows": rows,
        "preferences_link": settings.CRM_BASE_URL.rstrip("/") + reverse("preferences"),
    }
    with translation.override(mail_language(user) or pok.language):
        body = render_to_string("threads/mail/digest.txt", context)
        subject = render_to_string("threads/mail/digest_subject.txt", {"count": len(rows)}).strip()
    return EmailMessage(subject=subject, body=body, from_email=pok.from_address, to=[user.email])


def send_digests(now: datetime, *, report: Callable[[Outcome], None], before_each=lambda: None) -> dict:
    """One run: set aside interrupted digests, decide the due ones, send every prepared digest;
    returns counts for the command's summary. `before_each()` may raise to stop (the job's lock check)."""
    counts = {"sent": 0, "failed": 0, "interrupted": set_aside_interrupted(), "nothing_new": 0}
    for preferences in due_owners(now):
        before_each()
        if prepare(preferences, now=now) is None:
            counts["nothing_new"] += 1
    for digest_id in prepared():
        before_each()
        outcome = send(digest_id)
        if outcome.state == DigestState.SENT:
            counts["sent"] += 1
        elif outcome.state == DigestState.FAILED:
            counts["failed"] += 1
        elif outcome.state == DigestState.INTERRUPTED:
            counts["interrupted"] += 1
        report(outcome)
    return counts
