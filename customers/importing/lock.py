"""One import at a time per CRM database (cron may start a run while a long one is still going)."""

import fcntl
import hashlib
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


class LockBusy(Exception):
    pass


@contextmanager
def single_run(name: str):
    database = f"{connection.vendor}:{connection.settings_dict.get('HOST')}:{connection.settings_dict.get('NAME')}"
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"crm-{name}-{digest}.lock"
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
