"""PostgreSQL restarted while a job holds its lock: the job stops with one line and exits 1; the next run works.

The job is paused right after taking its lock (tests/crm/hold_lock.py), PostgreSQL is
restarted (every session ends, the advisory lock with it), then the job goes on: before, Django
reconnected and the job carried on without its lock. sync_inbox, which also records the error on
the POK, has its own test with a restart in the middle of a real import (tests/mailsync/test_session_loss.py).
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.customers.importing.conftest import make_shop, mariadb  # noqa: F401 - the session's MariaDB fixture
from tests.own_postgres import PROJECT_ROOT, only_in_the_postgresql_pass, own_crm

pytestmark = only_in_the_postgresql_pass

HOLD = Path(__file__).with_name("hold_lock.py")
WAIT_SECONDS = 120


@pytest.fixture(scope="module")
def crm(tmp_path_factory):
    with own_crm(tmp_path_factory.mktemp("media")) as crm:
        yield crm


def run_losing_the_database(crm, tmp_path, *args, **env):
    ready, go = tmp_path / "ready", tmp_path / "go"
    process = subprocess.Popen(
        [sys.executable, str(HOLD), str(ready), str(go), *args],
        env={**crm.env, **env},
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not ready.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the job did not take its lock"
            time.sleep(0.02)
        crm.server.restart()
    finally:
        go.touch()
        out, err = process.communicate(timeout=WAIT_SECONDS)
    return process.returncode, out, err


@pytest.mark.parametrize("job", ["send_outbox", "reindex_customers"])
def test_send_outbox_and_reindex_customers(crm, tmp_path, job):
    returncode, out, err = run_losing_the_database(crm, tmp_path, job)
    assert returncode == 1, (out, err)
    assert f"lost the lock {job}: the database connection failed" in err and "the run stopped" in err, err
    assert "Traceback" not in err, err
    again = crm.manage(job)
    assert again.returncode == 0, again.stderr


def test_import_prestashop(crm, tmp_path, mariadb):  # noqa: F811
    shop = make_shop(mariadb)
    returncode, out, err = run_losing_the_database(crm, tmp_path, "import_prestashop", CRM_PRESTASHOP_DB_URL=shop.url)
    assert returncode == 1, (out, err)
    assert "lost the lock import_prestashop: the database connection failed" in err, err
    assert "Traceback" not in err, err
    assert crm.query("SELECT count(*) FROM ps_customer") == (0,)
    again = crm.manage("import_prestashop", CRM_PRESTASHOP_DB_URL=shop.url)
    assert again.returncode == 0, again.stderr
    assert crm.query("SELECT count(*) FROM ps_customer")[0] > 0
