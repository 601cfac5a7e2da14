"""Load test: concurrent staff against the production server on PostgreSQL.

Starts a throwaway PostgreSQL (or uses --database-url), seeds it as bench/pages.py does
(100,000 threads, a 2,000-customer shop), starts Dovecot and an SMTP server, then for each
server in --servers (scripts/serve = gunicorn; by default first as it was before persistent
database connections, `gunicorn-reconnect` with CRM_DB_CONN_MAX_AGE=0, then as it is): logs --staff users in over HTTP and lets each open lists, threads,
the customer card and searches, with a think time between clicks, while `sync_inbox` imports
new mail and `send_outbox` sends queued replies in a loop beside them. Bounded by --requests
and --duration per server. Prints p50/p95/p99 per page and the error count.

    .venv/bin/python bench/load.py                                   # 100,000 threads, 50 staff
    .venv/bin/python bench/load.py --threads 20000 --requests 600    # quick try

Target: 0 errors, p95 under 300 ms.
"""

import argparse
import http.client
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a file: make the project importable
    sys.path[0] = str(PROJECT_ROOT)

from bench.database import django_on_postgresql  # noqa: E402

TARGET_P95_MS = 300
HOST = "127.0.0.1"
PASSWORD = "load-password"
REQUEST_TIMEOUT = 60
# (page, weight): what a person at the desk opens most.
PAGE_WEIGHTS = [
    ("overview", 1),
    ("INBOX", 4),
    ("INBOX sorted", 1),
    ("archive", 1),
    ("my threads", 1),
    ("thread", 5),
    ("thread of 50 messages", 1),
    ("customer card", 2),
    ("customer search", 1),
    ("thread search", 1),
]
SORTS = ("last_message_at", "-last_message_at", "sender", "-subject", "status", "-owner", "recipient")
SEARCH_WORDS = ("dostawę", "zamówienie", "paczkę", "pytanie", "klient 42")
CUSTOMER_QUERIES = ("kowal", "nowak", "jan", "anna", "zofia", "wiśniewska", "@example")


def main() -> None:
    args = _arguments()
    work = Path(tempfile.mkdtemp(prefix="crm-load-"))
    os.environ["MEDIA_ROOT"] = str(work / "media")
    with django_on_postgresql(args.database_url, "bench_load"):
        run(args, work)


def run(args, work: Path) -> None:
    from django.core.management import call_command

    from bench.pages import seed
    from tests.servers.dovecot import start_dovecot
    from tests.servers.smtp import start_smtp

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    logging.getLogger("threads.outbox").setLevel(logging.ERROR)  # the first sends fail on purpose
    call_command("migrate", verbosity=0)
    pok, superuser, long_thread = seed(args.threads, orders=200)
    dovecot, smtp = start_dovecot(), start_smtp()
    try:
        mailbox = _mail_pok(dovecot, smtp, superuser)
        _empty_mailbox(pok, dovecot)
        staff = _staff(args.staff, [pok, mailbox.pok])
        targets = _targets(pok, long_thread)
        results = {}
        for n, server in enumerate(args.servers):
            print(f"\n== {server}: {args.staff} staff, at most {args.requests} requests or {args.duration} s ==")
            label = server if server not in args.servers[:n] else f"{server} ({n + 1})"
            results[label] = _run_against(server, args, work, staff, targets, mailbox)
        report(results)
    finally:
        dovecot.stop()
        smtp.stop()


# -- data -------------------------------------------------------------------------------------


@dataclass
class Targets:
    pok_id: int
    thread_ids: list[str]
    long_thread: str
    customer_emails: list[str]


def _targets(pok, long_thread) -> Targets:
    from django.db.models import Max

    from customers.models import Customer
    from threads.models import Thread

    top = Thread.objects.filter(pok=pok).aggregate(top=Max("id"))["top"]
    sample = random.Random(3).sample(range(1, top + 1), min(2000, top))
    public_ids = list(Thread.objects.filter(pk__in=sample).values_list("public_id", flat=True))
    emails = list(Customer.objects.exclude(email="").values_list("email", flat=True)[:500])
    return Targets(pok.pk, public_ids, long_thread.public_id, emails)


def _staff(count: int, poks) -> list[str]:
    """`count` staff users on the POKs, with a cheap PBKDF2 password (logging in is not what is measured)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from pok.models import PokStaff

    password = PBKDF2PasswordHasher().encode(PASSWORD, "loadsalt", iterations=1000)
    names = [f"load{n}" for n in range(count)]
    User = get_user_model()
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    users = User.objects.bulk_create(
        [User(username=name, is_staff=True, password=password) for name in names if name not in existing]
    )
    PokStaff.objects.bulk_create([PokStaff(pok=pok, user=user) for user in users for pok in poks])
    return names


@dataclass
class Mailbox:
    """A POK on Dovecot (new mail for sync_inbox) whose replies go to the SMTP server (for send_outbox)."""

    pok: object
    dovecot: object
    smtp: object
    author: object
    user: str
    password: str

    def add_mail(self, count: int) -> None:
        from tests.mailsync.mails import mail

        for n in range(count):
            attachments = [("faktura.pdf", os.urandom(20_000), "application/pdf")] if n % 3 == 0 else []
            raw = mail(
                subject=f"Pytanie {random.randint(1, 10**6)}", sender=f"klient{n}@example.pl", attachments=attachments
            )
            self.dovecot.append(self.user, self.password, raw)

    def queue_replies(self, count: int) -> None:
        """Replies through the thread services while the SMTP server is down: each fails its first
        send and is made due at once, for send_outbox to send."""
        from django.utils import timezone

        from threads import services
        from threads.models import Delivery, Message, Thread

        self.smtp.stop()
        try:
            threads = Thread.objects.filter(pok=self.pok).order_by("?")[:count]
            ids = [
                services.reply(thread, author=self.author, text="Dzień dobry, paczka wyszła dziś.").pk
                for thread in threads
            ]
        finally:
            self.smtp.start()
        Message.objects.filter(pk__in=ids, delivery=Delivery.FAILED).update(next_attempt_at=timezone.now())


def _mail_pok(dovecot, smtp, author) -> Mailbox:
    from pok.models import Pok
    from tests.factories import make_pok

    # POKs of an earlier run against the same --database-url read a Dovecot that is gone.
    Pok.objects.filter(name="Mail").update(active=False)
    user, password = _mailbox_user(dovecot)
    pok = make_pok(
        name="Mail",
        from_address=f"{user}@example.test",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_user=user,
        imap_password=password,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
    )
    return Mailbox(pok, dovecot, smtp, author, user, password)


def _empty_mailbox(pok, dovecot) -> None:
    """The seeded POK reads an empty mailbox of its own, so that every sync run succeeds."""
    pok.imap_user, pok.imap_password = _mailbox_user(dovecot)
    pok.imap_host, pok.imap_port, pok.imap_security = dovecot.host, dovecot.imap_port, "none"
    pok.save()


def _mailbox_user(dovecot) -> tuple[str, str]:
    import secrets

    user, password = f"load{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    dovecot.add_user(user, password)
    return user, password


# -- servers ----------------------------------------------------------------------------------


def _server_environment(work: Path, port: int, args) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        DEBUG="false",
        ALLOWED_HOSTS=HOST,
        HTTPS="false",
        STATIC_ROOT=str(work / "static"),
        CRM_WEB_BIND=f"{HOST}:{port}",
        LOG_LEVEL="WARNING",
    )
    if args.workers:
        env["CRM_WEB_WORKERS"] = str(args.workers)
    if args.worker_threads:
        env["CRM_WEB_THREADS"] = str(args.worker_threads)
    return env


def _start_server(kind: str, work: Path, args):
    from tests.servers._local import free_port, log_tail, wait_for_port

    port = free_port()
    env = _server_environment(work, port, args)
    if kind == "gunicorn-reconnect":
        env["CRM_DB_CONN_MAX_AGE"] = "0"
    if kind.startswith("gunicorn"):
        command = [str(PROJECT_ROOT / "scripts" / "serve"), "--access-logfile", "/dev/null"]
    else:
        manage = [sys.executable, str(PROJECT_ROOT / "manage.py")]
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=PROJECT_ROOT, check=True)
        command = [*manage, "runserver", "--noreload", f"{HOST}:{port}"]
    log = work / f"{kind}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    try:
        wait_for_port(port, 180, is_alive=lambda: process.poll() is None)
    except (RuntimeError, TimeoutError) as error:
        raise SystemExit(f"{kind} did not start: {error}\n{log_tail(log)}") from None
    return process, port


def _stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    times: dict = field(default_factory=lambda: defaultdict(list))  # page -> [ms]
    errors: dict = field(default_factory=lambda: defaultdict(list))  # page -> [what]
    jobs: list = field(default_factory=list)  # (command, seconds, exit code, its last line)
    seconds: float = 0.0


class Budget:
    def __init__(self, requests: int, seconds: float):
        self.left, self.deadline, self.lock = requests, time.monotonic() + seconds, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() > self.deadline:
                return False
            self.left -= 1
            return True


def _run_against(kind, args, work, staff, targets, mailbox) -> Outcome:
    process, port = _start_server(kind, work, args)
    outcome = Outcome()
    try:
        sessions = [_log_in(port, name) for name in staff]
        budget = Budget(args.requests, args.duration)
        stop_jobs = threading.Event()
        jobs = threading.Thread(target=_jobs_loop, args=(mailbox, stop_jobs, outcome, args), daemon=True)
        started = time.monotonic()
        jobs.start()
        workers = [
            threading.Thread(target=_browse, args=(port, cookie, targets, budget, outcome, args, n), daemon=True)
            for n, cookie in enumerate(sessions)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        outcome.seconds = time.monotonic() - started
        stop_jobs.set()
        jobs.join()
    finally:
        _stop(process)
    return outcome


def _request(port: int, path: str, headers: dict, method="GET", body=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers={"Accept-Language": "pl", **headers})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _log_in(port: int, username: str) -> str:
    """The session cookie of `username`, logged in through the login form (CSRF and all)."""
    _status, headers, body = _request(port, "/login/", {})
    csrf = _cookies(headers)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, headers, _body = _request(
        port,
        "/login/",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
        method="POST",
        body=form,
    )
    if status != 302:
        raise SystemExit(f"{username} could not log in: HTTP {status}")
    return f"sessionid={_cookies(headers)['sessionid']}"


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def _browse(port, cookie, targets: Targets, budget: Budget, outcome: Outcome, args, n: int) -> None:
    rng = random.Random(n)
    pages, weights = zip(*PAGE_WEIGHTS, strict=True)
    time.sleep(rng.uniform(0, args.think))  # people do not all click at the same moment
    while budget.take():
        page = rng.choices(pages, weights)[0]
        path = _path(page, targets, rng)
        started = time.perf_counter()
        try:
            status, _headers, _body = _request(port, path, {"Cookie": cookie})
        except (OSError, http.client.HTTPException) as error:
            outcome.errors[page].append(f"{type(error).__name__}: {error}")
        else:
            elapsed = (time.perf_counter() - started) * 1000
            if status == 200:
                outcome.times[page].append(elapsed)
            else:
                outcome.errors[page].append(f"HTTP {status} {path}")
        time.sleep(rng.uniform(0.5, 1.5) * args.think)


def _path(page: str, targets: Targets, rng: random.Random) -> str:
    inbox = f"/pok/{targets.pok_id}/inbox/"
    return {
        "overview": lambda: "/",
        "INBOX": lambda: inbox,
        "INBOX sorted": lambda: f"{inbox}?sort={rng.choice(SORTS)}",
        "archive": lambda: f"/pok/{targets.pok_id}/archive/",
        "my threads": lambda: "/mine/",
        "thread": lambda: f"/t/{rng.choice(targets.thread_ids)}/",
        "thread of 50 messages": lambda: f"/t/{targets.long_thread}/",
        "customer card": lambda: f"/customer/?email={quote(rng.choice(targets.customer_emails))}",
        "customer search": lambda: f"/search/customers/?q={quote(rng.choice(CUSTOMER_QUERIES))}",
        "thread search": lambda: f"{inbox}?text={quote(rng.choice(SEARCH_WORDS))}",
    }[page]()


def _jobs_loop(mailbox: Mailbox, stop: threading.Event, outcome: Outcome, args) -> None:
    """New mail and queued replies, then sync_inbox and send_outbox, as cron would run them (but without pause)."""
    from django.db import connection

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings_test"}
    try:
        while not stop.is_set():
            mailbox.add_mail(args.mail_per_round)
            mailbox.queue_replies(args.mail_per_round)
            for command in ("sync_inbox", "send_outbox"):
                started = time.monotonic()
                result = subprocess.run(
                    [sys.executable, str(PROJECT_ROOT / "manage.py"), command],
                    env=env,
                    cwd=PROJECT_ROOT,
                    capture_output=True,
                    text=True,
                )
                said = result.stdout.strip().splitlines()
                outcome.jobs.append((command, time.monotonic() - started, result.returncode, said[-1] if said else ""))
                if result.returncode != 0:
                    print(f"{command} failed: {result.stderr.strip()[-500:]}", file=sys.stderr)
            stop.wait(args.job_pause)
    finally:
        connection.close()


# -- report -----------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ordered list."""
    if not ordered:
        return float("nan")
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def report(results: dict[str, Outcome]) -> None:
    servers = list(results)
    width = max(len(page) for page, _ in PAGE_WEIGHTS)
    columns = "".join(f"  {server + ' p50/p95/p99 ms':>28}  {'n':>5} {'err':>3}" for server in servers)
    print(f"\n{'page':<{width}}{columns}")
    for page, _weight in PAGE_WEIGHTS:
        row = f"{page:<{width}}"
        for server in servers:
            times = sorted(results[server].times[page])
            figures = "/".join(f"{percentile(times, q):.0f}" for q in (0.50, 0.95, 0.99))
            row += f"  {figures:>28}  {len(times):>5} {len(results[server].errors[page]):>3}"
        print(row)
    for server in servers:
        _summary(server, results[server])
    if len(servers) > 1:
        first, *others = servers
        base = _overall_p95(results[first])
        for other in others:
            print(
                f"p95 of all pages: {first} {base:.0f} ms, {other} {_overall_p95(results[other]):.0f} ms "
                f"({_overall_p95(results[other]) / base:.1f}x)"
            )
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: other work on the machine inflates these)")


def _overall_p95(outcome: Outcome) -> float:
    return percentile(sorted(t for times in outcome.times.values() for t in times), 0.95)


def _summary(server: str, outcome: Outcome) -> None:
    done = sum(len(times) for times in outcome.times.values())
    errors = [error for page_errors in outcome.errors.values() for error in page_errors]
    p95 = _overall_p95(outcome)
    verdict = "ok" if not errors and p95 < TARGET_P95_MS else "target missed"
    print(
        f"\n{server}: {done} good answers and {len(errors)} errors in {outcome.seconds:.0f} s "
        f"({done / max(outcome.seconds, 0.001):.1f}/s); p95 of all pages {p95:.0f} ms "
        f"(target 0 errors, p95 < {TARGET_P95_MS} ms: {verdict})"
    )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error} (x{errors.count(error)})")
    by_job = defaultdict(list)
    for command, seconds, code, said in outcome.jobs:
        by_job[command].append((seconds, code, said))
    for command, runs in by_job.items():
        failed = sum(1 for _seconds, code, _said in runs if code)
        longest = max(seconds for seconds, _code, _said in runs)
        print(f"  {command}: {len(runs)} runs beside the load, {failed} failed, longest {longest:.1f} s")
        print(f"    last run said: {runs[-1][2]}")


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100_000, help="threads in the POK (default 100,000)")
    parser.add_argument("--staff", type=int, default=50, help="concurrent staff (default 50)")
    parser.add_argument("--requests", type=int, default=3000, help="requests per server at most (default 3000)")
    parser.add_argument("--duration", type=float, default=180, help="seconds per server at most (default 180)")
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between one person's clicks (3)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: scripts/serve's own)")
    parser.add_argument("--worker-threads", type=int, help="threads per gunicorn worker (default: scripts/serve's own)")
    parser.add_argument("--mail-per-round", type=int, default=20, help="new mails and replies per job round (20)")
    parser.add_argument("--job-pause", type=float, default=5, help="seconds between job rounds (5)")
    parser.add_argument(
        "--servers",
        type=lambda text: text.split(","),
        default=["gunicorn-reconnect", "gunicorn"],
        help="servers to load, in order: gunicorn, gunicorn-reconnect (a new database connection per request, "
        "as before CRM_DB_CONN_MAX_AGE), runserver (default gunicorn-reconnect,gunicorn)",
    )
    parser.add_argument("--database-url", help="use this PostgreSQL database instead of a throwaway server (kept)")
    args = parser.parse_args()
    if not set(args.servers) <= {"gunicorn", "gunicorn-reconnect", "runserver"}:
        parser.error("--servers: gunicorn, gunicorn-reconnect and/or runserver")
    return args


if __name__ == "__main__":
    main()
