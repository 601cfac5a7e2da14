"""A CRM on a PostgreSQL server of a test's own, for tests that restart the server.

The suite's own PostgreSQL must stay up (the test process is connected to it), so these tests
start another one, migrate a CRM database on it and drive manage.py in subprocesses.
"""

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.servers.postgres import PostgresServer, start_postgres

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MANAGE = PROJECT_ROOT / "manage.py"

only_in_the_postgresql_pass = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="restarts PostgreSQL: runs in the suite's PostgreSQL pass (on a server of its own)",
)


@dataclass
class OwnCrm:
    server: PostgresServer
    url: str
    env: dict

    def manage(self, *args, timeout=300, **env) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(MANAGE), *map(str, args)],
            env={**self.env, **env},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def query(self, sql: str, params=None) -> tuple:
        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchone()


@contextlib.contextmanager
def own_crm(media_root: Path):
    server = start_postgres()
    try:
        url = server.create_database("crm_own")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings_test", "DATABASE_URL": url}
        crm = OwnCrm(server, url, {**env, "MEDIA_ROOT": str(media_root)})
        migrated = crm.manage("migrate", "--noinput")
        if migrated.returncode != 0:
            raise RuntimeError(f"migrate failed: {migrated.stderr}")
        yield crm
    finally:
        server.stop()
