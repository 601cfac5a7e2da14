"""Two app servers sharing one database: each job started on both at once runs once, the other says busy.

Each server is a manage.py process in a working directory (and temp dir) of its own, with the same
DATABASE_URL, so a lock kept in a temp dir or keyed by the working directory would let both run.
The first run is paused right after it takes its lock (tests/crm/hold_lock.py) while the
second starts, so they overlap for sure. On PostgreSQL and on SQLite (the same database file).
"""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pok import cron
from pok.models import CronRun
from tests.conftest import MANAGE_TIMEOUT, _manage_command
from tests.customers.importing.conftest import make_shop, mariadb  # noqa: F401 - the session's MariaDB fixture
from tests.factories import make_pok
from tests.mailsync.mails import mail
from threads.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = Path(__file__).with_name("hold_lock.py")


@pytest.fixture
def two_servers(tmp_path, settings):
    """run_twice(*args, env=None) -> (first, second): CompletedProcess-like results of the same command
    started on server A (paused holding its lock) and, meanwhile, on server B."""

    def start(name, command, env, first):
        cwd = tmp_path / name
        cwd.mkdir(exist_ok=True)
        env = {**env, "TMPDIR": str(cwd)}
        if first:
            command = [sys.executable, str(HOLD), str(tmp_path / "ready"), str(tmp_path / "go"), *command[2:]]
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run_twice(*args, env=None):
        command, base_env = _manage_command(args, settings)
        base_env.update(env or {})
        for marker in ("ready", "go"):
            (tmp_path / marker).unlink(missing_ok=True)
        first = start("server-a", command, base_env, first=True)
        try:
            _wait_until_holding(first, tmp_path / "ready")
            second = start("server-b", command, base_env, first=False)
            second_out = second.communicate(timeout=MANAGE_TIMEOUT)
        finally:
            (tmp_path / "go").touch()
            first_out = first.communicate(timeout=MANAGE_TIMEOUT)
        return Run(first.returncode, *first_out), Run(second.returncode, *second_out)

    return run_twice


class Run:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self):
        return f"Run({self.returncode}, stdout={self.stdout[-2000:]!r}, stderr={self.stderr[-2000:]!r})"


def _wait_until_holding(process, ready: Path) -> None:
    deadline = time.monotonic() + MANAGE_TIMEOUT
    while not ready.exists():
        if process.poll() is not None:
            raise AssertionError(f"the first run ended before taking its lock: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("the first run did not take its lock in time")
        time.sleep(0.02)


def test_sync_inbox(two_servers, dovecot, mailbox_user):
    user, password = mailbox_user
    pok = make_pok(imap_host=dovecot.host, imap_port=dovecot.imap_port, imap_user=user, imap_password=password)
    dovecot.append_many(user, password, (mail(subject=f"Pytanie {n}") for n in range(5)))
    first, second = two_servers("sync_inbox")
    assert first.returncode == 0 and f"{pok.name}: seen 5, new 5" in first.stdout, first
    assert second.returncode == 0, second
    assert f"{pok.name}: skipped, another sync of this POK is running" in second.stdout, second
    assert Message.objects.filter(pok=pok).count() == 5


@pytest.mark.parametrize("job, summary", [("send_outbox", "Outbox: sent 0"), ("reindex_customers", "Checked ")])
def test_send_outbox_and_reindex_customers(two_servers, job, summary):
    first, second = two_servers(job)
    assert first.returncode == 0 and summary in first.stdout, first
    assert second.returncode == 0 and summary not in second.stdout, second
    assert f"{job} is already running; this run does nothing." in second.stderr, second


def test_import_prestashop(two_servers, mariadb):  # noqa: F811
    shop = make_shop(mariadb)
    first, second = two_servers("import_prestashop", env={"CRM_PRESTASHOP_DB_URL": shop.url})
    assert first.returncode == 0 and "Search index:" in first.stdout, first
    assert second.returncode == 0 and "Search index:" not in second.stdout, second
    assert "import_prestashop is already running; this run does nothing." in second.stderr, second


def test_the_cron_runner(two_servers):
    """What cron executes (`manage.py crontab run <hash>`): the runner's own lock keeps the second start out."""
    index = cron.job_names().index("send_outbox")
    job_hash = re.search(r"crontab run (\w+)", cron.crontab_lines()[index]).group(1)
    first, second = two_servers("crontab", "run", job_hash)
    assert first.returncode == 0 and "Outbox: sent 0" in first.stdout, first
    assert second.returncode == 0 and "Outbox" not in second.stdout, second
    assert "cron job send_outbox is already running; this start did nothing" in second.stderr, second
    assert list(CronRun.objects.values_list("job", "ok")) == [("send_outbox", True)]
