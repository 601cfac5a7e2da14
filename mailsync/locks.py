"""One sync per POK at a time, across processes and app servers.

PostgreSQL: a session advisory lock (released by the server if the process
dies). SQLite: an flock on a file beside the database (released by the kernel
if the process dies); SQLite lives on one machine, so that covers every process.
"""

import fcntl
import os
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

LOCK_NAMESPACE = zlib.crc32(b"crm.sync_inbox")


@contextmanager
def pok_lock(pok_id: int):
    """Yields True when this process holds the lock, False when another run has it."""
    if connection.vendor == "postgresql":
        with _advisory_lock(pok_id) as held:
            yield held
    else:
        with _file_lock(pok_id) as held:
            yield held


@contextmanager
def _advisory_lock(pok_id: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE - 2**31, pok_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE - 2**31, pok_id])


@contextmanager
def _file_lock(pok_id: int):
    database = Path(connection.settings_dict["NAME"])
    path = f"{database}.sync-pok-{pok_id}.lock"
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
