"""crm.locks: the contract every job relies on (other processes: test_jobs_on_two_servers.py)."""

import os
from pathlib import Path

import pytest
from django.db import connection

from crm import locks

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the lock file: SQLite")


def test_a_held_name_is_busy_and_free_again_after():
    with locks.exclusive("job-a") as lock:
        lock.check()
        with pytest.raises(locks.Busy, match="job-a is already running"), locks.exclusive("job-a"):
            pass
        with locks.exclusive("job-b"):  # other names are independent
            pass
    with locks.exclusive("job-a"):
        pass


def test_an_error_inside_releases_the_lock():
    with pytest.raises(RuntimeError), locks.exclusive("job-a"):
        raise RuntimeError("the job failed")
    with locks.exclusive("job-a"):
        pass


@on_postgresql
def test_the_advisory_lock_is_visible_to_other_sessions_and_lost_with_the_session():
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"], autocommit=True
    )
    try:
        with locks.exclusive("job-a") as lock:
            key = lock.advisory.int_lock_id
            # Another session (another app server) cannot take it ...
            assert other.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0] is False
            connection.close()  # ... until this session ends, as when PostgreSQL restarts
            with pytest.raises(locks.Lost, match="lost the lock job-a: the database session ended"):
                lock.check()
            assert other.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0] is True
    finally:
        other.close()


@on_sqlite
def test_the_lock_file_lies_beside_the_database_and_a_removed_file_is_a_lost_lock():
    database = Path(connection.settings_dict["NAME"])
    with locks.exclusive("sync_inbox-pok-7") as lock:
        assert lock.path == database.with_name(f"{database.name}.lock-sync_inbox-pok-7")
        os.unlink(lock.path)  # another run could now create and lock a new file
        with pytest.raises(locks.Lost, match="was removed"):
            lock.check()
