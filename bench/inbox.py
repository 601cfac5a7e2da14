"""Inbox sync benchmark: a Dovecot mailbox synced into PostgreSQL.

    .venv/bin/python -m bench.inbox [--messages 5000]

Starts a throwaway PostgreSQL and Dovecot, fills a mailbox with mixed mail
(a tenth with attachments), then times, each in its own process:
first import with sync_inbox, runs with nothing new (the median of five), the naive
way (one FETCH round trip per message) and the previous revision's
sync_inbox (--previous, default where this branch left main, copied with
git archive, on a database migrated by its own code) on the same mailbox;
each first import must store the whole mailbox; peak memory of each run, and of a first
import of a mailbox a fifth the size (memory must not grow with the mailbox). Each timed import starts
on a settled server: what the run before wrote is vacuumed and checkpointed first.

    .venv/bin/python -m bench.inbox --messages 5000
    .venv/bin/python -m bench.inbox --messages 2000 --previous none
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings_test")


def build_mail(n: int, rng: random.Random) -> bytes:
    message = EmailMessage()
    message["From"] = f"Klient {n} <klient{n}@example.pl>"
    message["To"] = "bok@shop.example"
    message["Subject"] = f"Zamówienie nr {n}: pytanie o dostawę – zażółć gęślą jaźń"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=str(n), domain="example.pl")
    line = "Dzień dobry, chciałbym zapytać o status mojego zamówienia. Pozdrawiam, Klient.\n"
    message.set_content(line * rng.randint(10, 250))
    if n % 10 == 0:
        message.add_attachment(
            rng.randbytes(rng.randint(50_000, 500_000)),
            maintype="application",
            subtype="pdf",
            filename=f"faktura-{n}.pdf",
        )
    return message.as_bytes()


NOOP_RUNS = 5  # the run with nothing new is short: its median of five is reported


def fill_mailbox(dovecot, user, password, count) -> int:
    rng = random.Random(count)
    total = 0
    with dovecot.imap(user, password) as client:
        for n in range(count):
            raw = build_mail(n, rng)
            total += len(raw)
            client.append("INBOX", raw)
    return total


# Linux keeps a process's peak RSS across fork and exec (ru_maxrss would report this big benchmark
# process for every child), so the child reports the high-water mark of its own memory, VmHWM.
PEAK_REPORTER = """
import atexit, runpy, sys
def report():
    peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    print("PEAK_KIB", peak.split()[1])
atexit.register(report)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def timed_run(args: list[str], env: dict, cwd: Path = ROOT) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, output) of one child process."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", PEAK_REPORTER, *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    peak_kib = int(result.stdout.rsplit("PEAK_KIB", 1)[1].split()[0])
    return seconds, peak_kib / 1024, result.stdout


def naive_import(pok_id: int) -> None:
    """The naive way: one FETCH round trip per message."""
    import django

    django.setup()
    from mailsync.storing import store_message
    from pok.connections import open_imap
    from pok.models import Pok

    pok = Pok.objects.get(pk=pok_id)
    client = open_imap(pok)
    client.select_folder(pok.imap_folder)
    for uid in client.search("ALL"):
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        store_message(pok, raw)
    client.logout()
    print("naive import done")


def reset_pok(pok_id: int) -> None:
    from pok.models import Pok
    from threads.models import Attachment, Message, Thread, ThreadEvent

    Attachment.objects.all().delete()
    Message.objects.all().delete()
    ThreadEvent.objects.all().delete()
    Thread.objects.all().delete()
    Pok.objects.filter(pk=pok_id).update(last_uid=0, uidvalidity=None)


def previous_database(previous: Path, url: str, env: dict, pok_fields: dict) -> int:
    """The previous revision's own schema (its migrations, in a database of its own: its code cannot write
    the tables later migrations changed) with the same POK; returns the POK's id."""
    env = {**env, "PYTHONPATH": str(previous), "DATABASE_URL": url}
    for args in (
        ["migrate", "--verbosity", "0"],
        ["shell", "-c", f"from pok.models import Pok; print(Pok.objects.create(**{pok_fields!r}).pk)"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], env=env, cwd=previous, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"previous revision: manage.py {args[0]} failed:\n{done.stderr}")
    return int(done.stdout.split()[-1])


def stored(output: str, count: int) -> str:
    """The run's summary line; a run that did not store the whole mailbox is no figure to compare."""
    line = next(line for line in output.splitlines() if " seen " in line)
    if f"new {count}," not in line:
        raise SystemExit(f"a run did not store all {count} messages: {line}")
    return line


def settle(postgres) -> None:
    """What autovacuum and the checkpointer would do after the run before (a few hundred MB written), done
    now rather than in the middle of the next timed run: each run starts on a quiet server."""
    with psycopg.connect(postgres.url, autocommit=True) as server:
        names = [name for (name,) in server.execute("SELECT datname FROM pg_database WHERE datname LIKE 'crm_bench%'")]
    for name in names:
        with psycopg.connect(postgres.url_for(name), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    with psycopg.connect(postgres.url, autocommit=True) as server:
        server.execute("CHECKPOINT")


def measure(dovecot, postgres, media: str, count: int, previous: Path | None) -> dict:
    import django
    from django.core.management import call_command

    user, password = f"bench{count}", "bench-pass"
    dovecot.add_user(user, password)
    size = fill_mailbox(dovecot, user, password, count)
    django.setup()
    call_command("migrate", verbosity=0)
    from pok.models import Pok

    fields = {
        "name": f"Bench {count}",
        "imap_host": dovecot.host,
        "imap_port": dovecot.imap_port,
        "imap_security": "none",
        "imap_user": user,
        "imap_password": password,
        "keep_on_server": True,
        "smtp_host": "127.0.0.1",
        "from_address": "bok@shop.example",
    }
    pok = Pok.objects.create(**fields)
    env = {**os.environ, "MEDIA_ROOT": media}
    sync = ["manage.py", "sync_inbox", "--pok", str(pok.pk)]
    before = None
    if previous:  # first, so that it pays for the cold caches, not today's code
        url = postgres.create_database(f"crm_bench_previous_{count}")
        previous_pok = previous_database(previous, url, env, fields)
        settle(postgres)
        before = timed_run(
            ["manage.py", "sync_inbox", "--pok", str(previous_pok)],
            {**env, "PYTHONPATH": str(previous), "DATABASE_URL": url},
            cwd=previous,
        )
        stored(before[2], count)
    settle(postgres)
    first = timed_run(sync, env)
    stored(first[2], count)
    noops = sorted((timed_run(sync, env) for _ in range(NOOP_RUNS)), key=lambda run: run[0])
    noop = noops[len(noops) // 2]  # the median run
    reset_pok(pok.pk)
    settle(postgres)
    naive = timed_run([str(ROOT / "bench" / "inbox.py"), "--naive-import", str(pok.pk)], env)
    reset_pok(pok.pk)
    figures = {"count": count, "megabytes": size / 2**20, "first": first, "noop": noop, "naive": naive}
    figures["noop_range"] = (noops[0][0], noops[-1][0])
    return figures | {"previous": before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--previous", default="merge-base", help="git revision to compare with, or none")
    parser.add_argument("--naive-import", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.naive_import:
        return naive_import(options.naive_import)
    from bench.revision import checked_out, resolve

    if options.previous == "none":
        return run(options, None)
    revision = resolve(options.previous)
    print(f"previous revision: {revision[:10]}")
    with checked_out(revision) as folder:
        return run(options, folder)


def run(options, previous: Path | None) -> None:

    from tests.servers.dovecot import start_dovecot
    from tests.servers.postgres import start_postgres

    postgres, dovecot = start_postgres(), start_dovecot()
    media = tempfile.mkdtemp(prefix="crm-bench-media-")
    try:
        database_url = postgres.create_database("crm_bench")
        os.environ["DATABASE_URL"] = database_url
        os.environ["MEDIA_ROOT"] = media
        small = measure(dovecot, postgres, media, max(options.messages // 5, 1), None)
        large = measure(dovecot, postgres, media, options.messages, previous)
    finally:
        dovecot.stop()
        postgres.stop()
        shutil.rmtree(media, ignore_errors=True)  # the mailboxes' files, twice over: hundreds of MB
    report(small, large)


def report(small: dict, large: dict) -> None:
    count = large["count"]
    first_s, first_mem, _ = large["first"]
    noop_s, noop_mem, _ = large["noop"]
    naive_s, naive_mem, _ = large["naive"]
    print(
        f"mailbox: {count} messages, {large['megabytes']:.0f} MiB (a tenth with attachments), PostgreSQL, one process per run"
    )
    print(f"first import (sync_inbox):   {first_s:7.2f} s  {count / first_s:7.1f} msg/s  peak {first_mem:6.1f} MiB")
    fastest, slowest = large["noop_range"]
    print(
        f"run with nothing new:        {noop_s:7.2f} s  median of {NOOP_RUNS} ({fastest:.2f}-{slowest:.2f} s)"
        f"  peak {noop_mem:6.1f} MiB"
    )
    print(f"naive (1 FETCH per message): {naive_s:7.2f} s  {count / naive_s:7.1f} msg/s  peak {naive_mem:6.1f} MiB")
    print(f"ratio naive / sync_inbox:    {naive_s / first_s:7.2f} x")
    if large["previous"]:
        before_s, before_mem, _ = large["previous"]
        print(
            f"previous revision, first:    {before_s:7.2f} s  {count / before_s:7.1f} msg/s  peak {before_mem:6.1f} MiB"
        )
        print(f"ratio previous / sync_inbox: {before_s / first_s:7.2f} x")
    for name in ("previous", "first"):
        if large[name]:
            print(f"{name} run's summary: {stored(large[name][2], count).strip()}")
    print(
        f"peak memory, first import of {small['count']} vs {count} messages: "
        f"{small['first'][1]:.1f} MiB vs {first_mem:.1f} MiB"
    )


if __name__ == "__main__":
    main()
