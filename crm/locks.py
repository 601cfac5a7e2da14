"""The one lock that keeps two runs of a job apart, on one host or on several app servers.

    with exclusive("send_outbox") as lock:   # raises Busy when another process holds "send_outbox"
        for batch in batches:
            lock.check()                      # raises Lost when the lock went away meanwhile
            ...

PostgreSQL: a session-level advisory lock (django-pglock) on the connection the job works with.
Every app server sharing the database shares the lock; the server drops it when the session ends
(the process died, or PostgreSQL restarted), so a job must `check()` at its batch boundaries:
Django would quietly reconnect after such an error and the job would carry on without the lock.
SQLite: an flock on a file beside the database file, so every process using that database path
shares it, and the kernel drops it when the process dies. An in-memory database is private to its
process, so there a lock inside the process is enough.

Within one process a name is held once: a second `exclusive(name)` is Busy even on the same
database session (PostgreSQL would grant it again), so both backends behave alike.
"""

import contextlib
import fcntl
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pglock
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from crm.errors import first_line

_held_here: set[str] = set()
_held_here_guard = threading.Lock()


class Busy(Exception):
    """Another process (or this one) holds the lock."""

    def __init__(self, name: str):
        super().__init__(_("%(name)s is already running; this run does nothing.") % {"name": name})
        self.name = name


class Lost(Exception):
    """The lock went away while held: the job must stop, another run may have started."""

    def __init__(self, name: str, reason: str):
        super().__init__(_("lost the lock %(name)s: %(reason)s; the run stopped") % {"name": name, "reason": reason})
        self.name = name


@contextlib.contextmanager
def exclusive(name: str):
    """Hold the lock `name` for the block, or raise Busy at once (never waits). A database error
    out of the block is raised as Lost when the session, and the lock with it, is gone."""
    _claim_in_process(name)
    try:
        if connection.vendor == "postgresql":
            lock = _AdvisoryLock(name)
        elif connection.is_in_memory_db():
            lock = _ProcessLock(name)
        else:
            lock = _FileLock(name, Path(connection.settings_dict["NAME"]))
        lock.acquire()
        try:
            yield lock
        except DatabaseError:
            if not connection.in_atomic_block:  # in a transaction the error must reach its owner as it is
                lock.check()  # a database error that came with the loss of the session leaves as Lost
            raise
        finally:
            lock.release()
    finally:
        with _held_here_guard:
            _held_here.discard(name)


Result = TypeVar("Result")


def run_exclusively(name: str, work: Callable[[Any], Result], *, stderr: Any) -> Result | None:
    """A management command's body, `work(lock)`, holding the lock `name`: Busy is said on `stderr` and gives
    None (another run is at it, which is no failure); Lost stops the command with a CommandError."""
    try:
        with exclusive(name) as lock:
            return work(lock)
    except Busy as busy:
        stderr.write(str(busy))
        return None
    except Lost as lost:
        raise CommandError(str(lost)) from None


def _claim_in_process(name: str) -> None:
    with _held_here_guard:
        if name in _held_here:
            raise Busy(name)
        _held_here.add(name)


class _ProcessLock:
    def __init__(self, name: str):
        self.name = name

    def acquire(self) -> None:
        pass  # _claim_in_process already made this process the only holder

    def check(self) -> None:
        pass  # nothing outside this process can take or drop it

    def release(self) -> None:
        pass


class _AdvisoryLock:
    def __init__(self, name: str):
        self.name = name
        self.advisory = pglock.advisory(name, timeout=0)  # timeout 0: pg_try_advisory_lock, never waits
        self.lost = False

    def acquire(self) -> None:
        if not self.advisory.acquire():
            raise Busy(self.name)

    def check(self) -> None:
        """Raise Lost unless this connection's session still holds the lock."""
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND objsubid = 1"
                    " AND ((classid::int8 << 32) | objid::int8) = %s)",
                    [self.advisory.int_lock_id],
                )
                held = cursor.fetchone()[0]
        except DatabaseError as error:
            self.lost = True
            connection.close()  # a broken connection stays broken; the next query opens a new session
            reason = _("the database connection failed (%(error)s)") % {"error": first_line(error)}
            raise Lost(self.name, reason) from error
        if not held:
            self.lost = True
            raise Lost(self.name, _("the database session ended (was the database restarted?)"))

    def release(self) -> None:
        if self.lost:
            return  # the session that held it is gone, and the lock with it
        with contextlib.suppress(DatabaseError):  # the session is gone, and the lock with it
            self.advisory.release()


class _FileLock:
    def __init__(self, name: str, database: Path):
        self.name = name
        self.path = database.with_name(f"{database.name}.lock-{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}")
        self.descriptor: int | None = None

    def acquire(self) -> None:
        descriptor = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise Busy(self.name) from None
        self.descriptor = descriptor

    def check(self) -> None:
        """Raise Lost when the lock file was removed or replaced: a new run could lock the new file."""
        try:
            on_disk = os.stat(self.path)
        except FileNotFoundError:
            raise Lost(self.name, _("%(path)s was removed") % {"path": self.path}) from None
        if on_disk.st_ino != os.fstat(self.descriptor).st_ino:
            raise Lost(self.name, _("%(path)s was replaced") % {"path": self.path})

    def release(self) -> None:
        os.close(self.descriptor)  # closing the only descriptor of the open file drops the flock
