"""sync_inbox as cron runs it: killed mid-run, two at once, several POKs; exactly once throughout."""

import time

import pytest

from pok.models import Pok
from tests.factories import make_pok
from tests.mailsync.mails import mail
from threads.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Treść wiadomości z polskimi znakami: zażółć gęślą jaźń.\n" * 40


def fill(server, count, prefix="M"):
    ids = []
    for n in range(count):
        message_id = f"<{prefix}-{n}@example.pl>"
        server.append(mail(subject=f"{prefix} {n}", body=BODY, message_id=message_id))
        ids.append(message_id[1:-1])
    return ids


def stored_ids(pok):
    return list(Message.objects.filter(pok=pok).values_list("message_id", flat=True))


def server_ids(server):
    from email import message_from_bytes

    return {message_from_bytes(raw)["Message-ID"].strip("<>") for _uid, raw in server.messages()}


def assert_nothing_lost(pok, server, all_ids):
    stored = stored_ids(pok)
    assert len(stored) == len(set(stored)), "a message was imported twice"
    on_server = server_ids(server)
    assert set(all_ids) <= set(stored) | on_server, "a message left the server before it was stored"


@pytest.mark.parametrize("kill_after", [0.4, 1.0, 1.8, 2.6])
def test_killed_mid_run_then_run_again(imap_pok, server, spawn_manage, run_manage, kill_after):
    all_ids = fill(server, 120)
    # A previous run stored some and marked them for deletion, so the killed run also deletes.
    first = run_manage("sync_inbox", "--pok", imap_pok.pk)
    assert first.returncode == 0, first.stderr
    all_ids += fill(server, 200, prefix="N")
    process = spawn_manage("sync_inbox", "--pok", imap_pok.pk)
    time.sleep(kill_after)
    process.kill()
    process.wait()
    assert_nothing_lost(imap_pok, server, all_ids)
    for _ in range(2):
        result = run_manage("sync_inbox", "--pok", imap_pok.pk)
        assert result.returncode == 0, result.stderr
    assert sorted(stored_ids(imap_pok)) == sorted(all_ids)
    assert server.messages() == []


def test_two_runs_at_once_import_once(imap_pok, server, spawn_manage):
    all_ids = fill(server, 150)
    runs = [spawn_manage("sync_inbox", "--pok", imap_pok.pk) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in runs]
    assert all(process.returncode == 0 for process in runs), outputs
    assert sorted(stored_ids(imap_pok)) == sorted(all_ids)
    printed = " ".join(out for out, _err in outputs)
    assert "new 150" in printed or "skipped" in printed


def test_command_prints_a_summary_per_pok_and_fails_after_trying_all(imap_pok, server, dovecot, run_manage):
    fill(server, 3)
    make_pok(
        name="Broken POK",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_user="nobody-here",
        imap_password="x",
    )
    result = run_manage("sync_inbox")
    assert result.returncode == 1
    assert f"{imap_pok.name}: seen 3, new 3, duplicates 0" in result.stdout
    assert "Broken POK: seen 0" in result.stdout and "login refused" in result.stdout
    assert "sync failed for: Broken POK" in result.stderr
    assert Pok.objects.get(name="Broken POK").last_error


def test_cron_entry_is_registered():
    from django.conf import settings

    commands = [job[2] for job in settings.CRONJOBS]
    assert ["sync_inbox"] in commands
    schedule = next(job[0] for job in settings.CRONJOBS if job[2] == ["sync_inbox"])
    assert schedule == "*/2 * * * *"
