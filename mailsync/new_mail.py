"""New UIDs of a POK's folder into the database, group by group (mailsync.imap_sync says the rules: one
transaction per group with the mark below it, the retry message by message, identities against duplicates).

A group is fetched, parsed and its files written in a thread while the group before it is stored; its new
threads are inserted together (mailsync.storing.Batch)."""

import ctypes
import gc
import logging
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Greatest

from mailsync import storing
from mailsync.mime import parse_headers
from mailsync.routing import BlockedSenders
from mailsync.storing import ServerPlace
from pok.models import Pok
from threads import services
from threads.models import Message

log = logging.getLogger(__name__)

IDENTITY_ITEMS = ["RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
# glibc keeps what a chunk's bodies and parsing freed, scattered between live blocks (two threads, two arenas):
# a first import of 5,000 messages grew by 30 MB. Handed back after each chunk; other C libraries have no such call.
_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None)


class NewMail:
    """Handles new UIDs strictly in ascending order, remembering whether one failed."""

    def __init__(self, client, lock, pok, uidvalidity, report, *, group_size: int, group_bytes: int):
        self.client, self.lock, self.pok, self.uidvalidity, self.report = client, lock, pok, uidvalidity, report
        self.group_size, self.group_bytes = group_size, group_bytes
        self.failed = False
        self.committed_upto = 0  # every new UID up to this one is in the database
        self.blocked = BlockedSenders(pok)  # read once per run, not per message

    def process(self, chunk: list[int]) -> list[int]:
        """Deals with a chunk of new UIDs; returns those found already stored (deletable)."""
        heads = self.client.fetch(chunk, IDENTITY_ITEMS)
        identities = {uid: _header_message_id(data) for uid, data in heads.items()}
        known = self._known_identities(identities)
        downloads = {uid for uid in chunk if uid in heads and uid not in known and not self._too_big(heads[uid])}
        kept = {uid for uid in chunk if uid in heads and uid not in known and uid not in downloads}
        groups = list(self._groups(chunk, downloads, heads))
        deletable = []
        # A group is fetched, parsed and its files written (no database) in a thread while the group before
        # it is stored: the IMAP client is the thread's alone till its result is taken.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as helper, _collected_per_group():
            ahead = helper.submit(self._fetch, groups[0], downloads, kept, identities) if groups else None
            for index, uids in enumerate(groups):
                bodies, headers = ahead.result()
                if index + 1 < len(groups):
                    ahead = helper.submit(self._fetch, groups[index + 1], downloads, kept, identities)
                deletable += self._commit_group(uids, _Group(heads, identities, known, bodies, headers))
                gc.collect()
        if _TRIM is not None:
            _TRIM(0)
        return deletable

    def _fetch(self, group: list[int], downloads: set[int], kept: set[int], identities: dict[int, str]):
        """A group's bodies parsed and their files written, and the headers of those too large to download."""
        bodies = self._fetch_items([uid for uid in group if uid in downloads], "BODY.PEEK[]", b"BODY[]")
        headers = self._fetch_items([uid for uid in group if uid in kept], "BODY.PEEK[HEADER]", b"BODY[HEADER]")
        return _prepare(bodies, identities), headers

    def _groups(self, chunk: list[int], downloads: set[int], heads) -> Iterator[list[int]]:
        """The chunk in groups of at most group_size messages whose bodies (held in memory for the group's
        transaction, and for its retry) add up to at most group_bytes, or one message."""
        group, total = [], 0
        for uid in chunk:
            size = heads[uid][b"RFC822.SIZE"] if uid in downloads else 0
            if group and (len(group) == self.group_size or total + size > self.group_bytes):
                yield group
                group, total = [], 0
            group.append(uid)
            total += size
        if group:
            yield group

    def _commit_group(self, uids: list[int], group: "_Group") -> list[int]:
        """One transaction per group: its messages, their thread counts and the mark below them commit
        together. Tried first without a savepoint per message; if anything fails, the whole attempt is
        rolled back and the group stored again, each message in a savepoint of its own."""
        try:
            return self._group_transaction(uids, group, savepoints=False)
        except Exception:  # noqa: BLE001 - stored again one by one, where a broken message is isolated
            log.info("POK %s: a group failed as a whole; storing it message by message", self.pok.pk, exc_info=True)
            self.lock.check()  # a lost database session: stop instead of carrying on without the lock
            return self._group_transaction(uids, group, savepoints=True)

    def _group_transaction(self, uids: list[int], group: "_Group", savepoints: bool) -> list[int]:
        tally = _Tally(self.failed, self.committed_upto)
        with transaction.atomic(), services.grouped_counts():
            # The first attempt inserts the group's new threads together; the retry stores one by one.
            batch = None if savepoints else storing.Batch(self.pok, self.blocked, group.incomings())
            for uid in uids:
                place = ServerPlace(uid, self.uidvalidity)
                if uid in group.known:
                    tally.deletable += self._already_here(place, group.known[uid], tally)
                elif uid not in group.heads:
                    pass  # expunged meanwhile by someone else
                elif self._too_big(group.heads[uid]):
                    if batch:
                        batch.flush()
                    self._keep_on_server(place, group.heads[uid][b"RFC822.SIZE"], group.headers.get(uid), tally)
                else:
                    self._store(uid, group.prepared.get(uid), group.identities[uid], tally, batch)
                if not tally.failed:
                    tally.committed_upto = uid
            if batch:
                batch.flush()
            self._move_mark(tally.committed_upto)
        self._apply(tally)
        return tally.deletable

    def _apply(self, tally: "_Tally") -> None:
        """The figures of a committed group (an attempt rolled back counts for nothing)."""
        self.failed, self.committed_upto = tally.failed, tally.committed_upto
        for name, n in tally.figures.items():
            setattr(self.report, name, getattr(self.report, name) + n)

    def _move_mark(self, committed_upto: int) -> None:
        if committed_upto:
            Pok.objects.filter(pk=self.pok.pk).update(last_uid=Greatest("last_uid", committed_upto))

    def _known_identities(self, identities: dict[int, str]) -> dict[int, tuple[str, bool]]:
        """UID -> (Message-ID, stored copy too large to download) for the Message-IDs we already hold."""
        stored = dict(
            Message.objects.filter(pok=self.pok, message_id__in=[i for i in identities.values() if i]).values_list(
                "message_id", "too_large"
            )
        )
        return {uid: (i, stored[i]) for uid, i in identities.items() if i in stored}

    def _too_big(self, data) -> bool:
        return data.get(b"RFC822.SIZE", 0) > self.pok.max_message_bytes

    def _already_here(self, place: ServerPlace, stored: tuple[str, bool], tally: "_Tally") -> list[int]:
        tally.figures["duplicates"] += 1
        message_id, stored_too_large = stored
        if stored_too_large:
            Message.objects.filter(pok=self.pok, message_id=message_id).update(
                imap_uid=place.uid, imap_uidvalidity=place.uidvalidity
            )
            return []
        return [place.uid]

    def _keep_on_server(self, place: ServerPlace, size: int, header: bytes | None, tally: "_Tally") -> None:
        outcome, _message = storing.store_too_large(self.pok, header or b"", size, place)
        tally.count(outcome, problem=False)
        if outcome == storing.NEW:
            tally.figures["too_large"] += 1

    def _fetch_items(self, uids: list[int], item: str, key: bytes) -> dict[int, bytes | None]:
        if not uids:
            return {}
        return {uid: data.get(key) for uid, data in self.client.fetch(uids, [item]).items()}

    def _store(self, uid: int, raw: "storing.Incoming | Exception | None", absent: str, tally, batch) -> None:
        if raw is None:
            return
        if isinstance(raw, Exception):  # its files could not be written
            self._failed(uid, tally, raw)
            return
        if batch:  # a failure rolls the whole group back (_commit_group)
            outcome, message = storing.store_message(
                self.pok, raw, absent=absent, blocked=self.blocked, savepoint=False, batch=batch
            )
            tally.count(outcome, problem=bool(message and message.parse_problem))
            return
        try:
            # storing saves in a savepoint of its own: a failure there leaves the group's other messages.
            outcome, message = storing.store_message(self.pok, raw, absent=absent, blocked=self.blocked)
        except Exception as error:  # noqa: BLE001 - one message must never stop the run; it stays on the server
            self._failed(uid, tally, error)
            self.lock.check()  # a lost database session fails every message: stop instead
            return
        tally.count(outcome, problem=bool(message and message.parse_problem))

    def _failed(self, uid: int, tally: "_Tally", error: Exception) -> None:
        log.error(
            "POK %s: could not store UID %s; it stays on the server for the next run", self.pok.pk, uid, exc_info=error
        )
        tally.figures["failed"] += 1
        tally.failed = True


@contextmanager
def _collected_per_group() -> Iterator[None]:
    """A stored group leaves its Messages in reference cycles (a Message and its FieldFile, its Thread), which
    Python's collector reaches only in its rare passes over everything: a first import held hundreds of groups'
    bodies at once, 25 MB more at 5,000 messages than at 1,000. So each group ends with a collection, and what
    was alive before the chunk is frozen out of its way meanwhile (gc.freeze), so that it walks only what the
    chunk made: about a millisecond."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class _Group:
    """What a group of new UIDs was found to be before its transaction: identities, prepared bodies."""

    heads: dict
    identities: dict[int, str]
    known: dict[int, tuple[str, bool]]
    prepared: dict[int, "storing.Incoming | Exception | None"]
    headers: dict[int, bytes | None]  # of the messages too large to download

    def incomings(self) -> list["storing.Incoming"]:
        return [each for each in self.prepared.values() if isinstance(each, storing.Incoming)]


def _prepare(
    bodies: dict[int, bytes | None], identities: dict[int, str]
) -> dict[int, "storing.Incoming | Exception | None"]:
    """Parsed, split and the files written (no database here). Files only
    for an identity the chunk looked up and did not find: another (a hash) may be a duplicate, and its
    files are written, if at all, once storing has checked."""
    prepared: dict[int, storing.Incoming | Exception | None] = {}
    for uid, raw in bodies.items():
        if raw is None:
            prepared[uid] = None
            continue
        try:
            incoming = prepared[uid] = storing.prepare(raw)
            if incoming.identity == identities.get(uid):
                incoming.write_files()
        except Exception as error:  # noqa: BLE001 - e.g. the disk is full: this message fails, not the run
            log.exception("could not write the files of UID %s", uid)
            prepared[uid] = error
    return prepared


@dataclass
class _Tally:
    """What one attempt at a group did; applied to the run's report only once the group commits."""

    failed: bool
    committed_upto: int
    deletable: list[int] = field(default_factory=list)
    figures: Counter = field(default_factory=Counter)

    def count(self, outcome: str, problem: bool) -> None:
        if outcome == storing.DUPLICATE:
            self.figures["duplicates"] += 1
        else:
            self.figures["new"] += 1
            self.figures["problems"] += int(problem)


def _header_message_id(data) -> str:
    for key, value in data.items():
        if key.startswith(b"BODY[HEADER"):
            return parse_headers(value or b"").message_id
    return ""
