"""Bringing one POK's IMAP folder into the database, exactly once (spec 11).

Every UID at or below the POK's last UID (under the same UIDVALIDITY) is
committed here: such mail is deleted from the server (unless the POK keeps
mail, or it was too large to download). Newer UIDs are handled in ascending
order, in groups of COMMIT_GROUP messages (and BODY_BATCH_BYTES) per transaction. A group is first
stored without a savepoint per message; if anything in it fails, that attempt is rolled back and the
group stored again with each message in a savepoint of its own, so that one failure loses no other
(a broken mail that parses badly is stored raw and flagged either way); the last UID moves
up in the same transaction, to the last UID below which everything is stored,
and stops moving at a failure so that nothing unstored is ever deleted. Mail stored
by a run that died before moving the mark is found again by its identity
(Message-ID, or the hash of its bytes) and not imported twice; the same
holds when UIDVALIDITY changes and the folder is read again. Bodies are fetched with BODY.PEEK[]
(flags untouched), one FETCH per group, so memory does not grow with the mailbox.
"""

import ssl
import time
from dataclasses import dataclass, field

from django.db import OperationalError, connection
from django.utils import timezone
from imapclient.exceptions import IMAPClientError

from crm import locks
from crm.errors import first_line
from pok.connections import ConnectionFailed, close_quietly, open_imap
from pok.failures import classify
from pok.models import Pok
from threads.models import Message

HEADER_BATCH = 500
BODY_BATCH_BYTES = 8 * 1024 * 1024
DELETE_BATCH = 1000
COMMIT_GROUP = 50
RECORD_ATTEMPTS = 30
RECORD_RETRY_SECONDS = 1


@dataclass
class SyncReport:
    pok: str
    seen: int = 0
    new: int = 0
    duplicates: int = 0
    problems: int = 0
    too_large: int = 0
    failed: int = 0
    deleted: int = 0
    seconds: float = 0.0
    error: str = ""
    error_kind: str = ""  # a pok.failures.Failure
    skipped: bool = False
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.skipped:
            return f"{self.pok}: skipped, another sync of this POK is running"
        figures = (
            f"seen {self.seen}, new {self.new}, duplicates {self.duplicates}, problems {self.problems}, "
            f"too large {self.too_large}, failed {self.failed}, deleted {self.deleted}, {self.seconds:.1f} s"
        )
        return f"{self.pok}: {figures}" + (f" - ERROR {self.error}" if self.error else "")


def sync_pok(pok: Pok, progress=None) -> SyncReport:
    report = SyncReport(pok.name)
    started = time.monotonic()
    try:
        with locks.exclusive(lock_name(pok)) as lock:
            _sync_holding(lock, pok, report, progress)
    except locks.Busy:
        report.skipped = True
        return report
    except locks.Lost as lost:  # e.g. PostgreSQL restarted: stop, and say so on the POK
        report.error = str(lost)
    report.seconds = time.monotonic() - started
    _record_outcome(pok, report)
    return report


def lock_name(pok: Pok) -> str:
    """One sync per POK at a time; other POKs' syncs run alongside."""
    return f"sync_inbox-pok-{pok.pk}"


def _sync_holding(lock, pok: Pok, report: SyncReport, progress) -> None:
    try:
        client = open_imap(pok)
    except ConnectionFailed as error:
        report.error, report.error_kind = str(error), error.kind
        return
    try:
        _sync_folder(client, lock, pok, report, progress)
    except (IMAPClientError, OSError, ssl.SSLError) as error:
        report.error = f"IMAP {pok.imap_host}: {first_line(error)}"
        report.error_kind = classify(error)
    finally:
        close_quietly(client)


def _sync_folder(client, lock, pok: Pok, report: SyncReport, progress) -> None:
    selected = client.select_folder(pok.imap_folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    last_uid = _current_last_uid(pok, uidvalidity)
    uids = sorted(client.search("ALL"))
    report.seen = len(uids)
    deletable = [uid for uid in uids if uid <= last_uid]
    new_uids = [uid for uid in uids if uid > last_uid]
    if new_uids:
        # Parsing and storing are loaded only for new mail: cron's run every two minutes mostly finds none,
        # and is then mostly Python's start-up.
        from mailsync.new_mail import NewMail

        run = NewMail(client, lock, pok, uidvalidity, report, group_size=COMMIT_GROUP, group_bytes=BODY_BATCH_BYTES)
        for start in range(0, len(new_uids), HEADER_BATCH):
            lock.check()
            deletable += run.process(new_uids[start : start + HEADER_BATCH])
            if progress:
                progress(f"{pok.name}: {min(start + HEADER_BATCH, len(new_uids))}/{len(new_uids)} new messages")
    if not pok.keep_on_server:
        lock.check()
        report.deleted = _delete(client, pok, uidvalidity, deletable)


def _current_last_uid(pok: Pok, uidvalidity: int) -> int:
    pok.refresh_from_db(fields=["uidvalidity", "last_uid"])
    if pok.uidvalidity != uidvalidity:
        # A new UIDVALIDITY means old UIDs mean nothing: read everything again, identities prevent duplicates.
        Pok.objects.filter(pk=pok.pk).update(uidvalidity=uidvalidity, last_uid=0)
        pok.uidvalidity, pok.last_uid = uidvalidity, 0
    return pok.last_uid


def _delete(client, pok: Pok, uidvalidity: int, uids: list[int]) -> int:
    kept = set(
        Message.objects.filter(pok=pok, too_large=True, imap_uidvalidity=uidvalidity).values_list("imap_uid", flat=True)
    )
    doomed = [uid for uid in uids if uid not in kept]
    for start in range(0, len(doomed), DELETE_BATCH):
        client.add_flags(doomed[start : start + DELETE_BATCH], [b"\\Deleted"], silent=True)
    if doomed:
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(doomed)
        else:
            client.expunge()
    return len(doomed)


def _record_outcome(pok: Pok, report: SyncReport) -> None:
    """Also after losing the database: wait a little for it to come back, or the error is never shown."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            _write_outcome(pok, report)
            return
        except OperationalError:
            if attempt == RECORD_ATTEMPTS:
                raise
            connection.close()
            time.sleep(RECORD_RETRY_SECONDS)


def _write_outcome(pok: Pok, report: SyncReport) -> None:
    now = timezone.now()
    if report.error:
        Pok.objects.filter(pk=pok.pk).update(
            last_sync_at=now, last_error=report.error, last_error_kind=report.error_kind, last_error_at=now
        )
    else:
        Pok.objects.filter(pk=pok.pk).update(last_sync_at=now, last_success_at=now, last_error="", last_error_kind="")
