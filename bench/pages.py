"""Staff page benchmark: server time of the busiest pages on PostgreSQL, at two archive sizes side by side.

Starts a throwaway PostgreSQL with two databases, one with a POK of --small threads (10,000) and one
with --threads (one message each; the card's customer has 50 threads in either, one of 50 messages, and 200
orders); then, logged in as a superuser through Django's test client, times in each the INBOX for
every sort column both ways, the Archive, My threads, a filtered INBOX, the 50-message thread and
the customer card. Each database is served by a process of this script (--serve); the pages are timed
round by round, one request per database in turn after a few warm-up rounds, and the median of
--repeat is shown for both sizes with the ratio: the machine's other work falls on both alike.

The previous revision (--previous, default: where this branch left main) is copied with `git archive`
into a temporary folder; a copy of this harness there serves the small database with that revision's
code, in the same rounds: its INBOX's time outside SQL is printed beside today's.

With --server URL (a running PostgreSQL) the databases bench_pages_<size> are kept there and reused by
the next runs (building 1,000,000 threads takes minutes).

    .venv/bin/python bench/pages.py --threads 1000000     # the documented run: 10,000 vs 1,000,000
    .venv/bin/python bench/pages.py --threads 100000      # quicker
    .venv/bin/python bench/pages.py --previous none       # without the previous revision
    .venv/bin/python bench/pages.py --threads 1000000 --server postgres://postgres@127.0.0.1:55432/postgres
    .venv/bin/python bench/pages.py --rendering --previous baf1f54 --server ...  # only the INBOX against baf1f54

Targets: each page's median at --threads within 1.3x of the same page at --small, with the same
query count; the INBOX's time outside SQL at most a third of the previous revision's.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a file: make the project importable
    sys.path[0] = str(PROJECT_ROOT)

from bench.database import django_on_postgresql  # noqa: E402

TARGET_MS = 150
TARGET_RATIO = 1.3
WARM_UP = 3
CUSTOMER_EMAIL = "jan.kowalski@example.com"  # customer 1 of the demo shop (with a guest checkout sharing it)
SHOP_CUSTOMERS = 2000
THREAD_MESSAGES = 50
# The card's customer has as many threads in every archive (spread over it): the card shows what one customer
# wrote, which does not grow with the shop's archive.
CUSTOMER_THREADS = 50
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BATCH = 10_000
BENCH_USER = "bench"
MAILBOX_ALIASES = ("bok@shop.example", "sklep@shop.example", "allegro@shop.example")


PROTOCOL = "@@bench "  # the lines a serving process answers with; anything else it prints is passed on


def main() -> None:
    args = _arguments()
    if args.serve:
        with django_on_postgresql(args.database_url, "bench_pages"):
            serve(args)
        return
    sizes = (args.small,) if args.rendering else (args.small, args.threads)
    if args.server:
        urls = {size: _kept_database(args.server, f"bench_pages_{size}") for size in sizes}
        measured, previous = _measure_all(urls, args)
    else:
        from tests.servers.postgres import start_postgres

        server = start_postgres()
        try:
            urls = {size: server.create_database(f"bench_pages_{size}") for size in sizes}
            measured, previous = _measure_all(urls, args)
        finally:
            server.stop()
    if args.rendering:
        _compare_rendering(measured[args.small], previous)
    else:
        compare(measured[args.small], measured[args.threads], args, previous)


def _measure_all(urls: dict[int, str], args):
    """Each page timed in turn on every database (and by the previous revision on the small one): one request
    each, round after round, so that what else the machine does falls on all of them alike."""
    from bench.revision import checked_out, resolve

    workers = [Worker(f"{size:,} threads", url, size, args) for size, url in urls.items()]

    def by_size(measured):
        return {size: measured[f"{size:,} threads"] for size in urls}

    try:
        prefix = "INBOX" if args.rendering else ""
        if args.previous == "none":
            return by_size(_interleaved(workers, args.repeat, prefix)), {}
        revision = resolve(args.previous)
        with checked_out(revision) as folder:
            # This harness, the previous revision's code: the copy of this file finds its project in `folder`.
            (folder / "bench" / "pages.py").write_text(Path(__file__).read_text())
            (folder / "bench" / "database.py").write_text((PROJECT_ROOT / "bench" / "database.py").read_text())
            label = f"previous {revision[:10]}"
            workers.append(Worker(label, urls[args.small], args.small, args, folder))
            measured = _interleaved(workers, args.repeat, prefix)
        previous = {name: (median, sql, queries) for name, median, _, sql, queries in measured.pop(label)}
        return by_size(measured), previous
    finally:
        for worker in workers:
            worker.close()


class Worker:
    """A process of this script serving one database with one revision's code: it times one request of a page
    whenever asked (a clean Django per database, its caches kept warm between requests)."""

    def __init__(self, label: str, database_url: str, size: int, args, folder: Path | None = None):
        root = folder or PROJECT_ROOT
        command = [sys.executable, str(root / "bench" / "pages.py"), "--serve", "--database-url", database_url]
        command += ["--threads", str(size), "--orders", str(args.orders)]
        print(f"\n===== {label} =====", flush=True)
        self.label = label
        self.process = subprocess.Popen(command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pages = self._answer()

    def time(self, name: str) -> tuple[float, float, int]:
        """(ms, SQL ms, queries) of one request of the page."""
        self.process.stdin.write(f"{self.pages.index(name)}\n")
        self.process.stdin.flush()
        return tuple(self._answer())

    def _answer(self):
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                return json.loads(line.removeprefix(PROTOCOL))
            print(f"[{self.label}] {line}", end="", flush=True)
        raise SystemExit(f"{self.label}: the bench process ended")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()


def _interleaved(workers: list[Worker], repeat: int, prefix: str = "") -> dict[str, list[tuple]]:
    """Worker label -> (page, median ms, slowest ms, median SQL ms, queries) per page whose name starts with
    `prefix`."""
    results = {worker.label: [] for worker in workers}
    for name in [name for name in workers[0].pages if name.startswith(prefix)]:
        serving = [worker for worker in workers if name in worker.pages]
        samples = {worker.label: [] for worker in serving}
        for turn in range(WARM_UP + repeat):
            for worker in serving if turn % 2 else serving[::-1]:
                sample = worker.time(name)
                if turn >= WARM_UP:
                    samples[worker.label].append(sample)
        for label, taken in samples.items():
            times = [ms for ms, _, _ in taken]
            sql = statistics.median(sql for _, sql, _ in taken)
            results[label].append((name, statistics.median(times), max(times), sql, taken[-1][2]))
    for label, rows in results.items():
        print(f"\n{label}:")
        report(rows, repeat)
    return results


def _kept_database(server_url: str, name: str) -> str:
    """The URL of database `name` on a running server, created if missing (its data is kept for the next run)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def serve(args) -> None:
    """Seed (or reuse) the database, then answer each page index read from stdin with one timed request."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    pok, user, thread = seed(args.threads, args.orders)
    _describe(pok)
    pages = dict(_pages(pok, thread, user))
    request = _requester(user)
    print(PROTOCOL + json.dumps(list(pages)), flush=True)
    for line in sys.stdin:
        name = list(pages)[int(line)]
        print(PROTOCOL + json.dumps(request(name, pages[name])), flush=True)


def seed(threads: int, orders: int):
    """(pok, superuser, the 50-message thread): seeded now, or those of an earlier run in this database."""
    from django.core.management import call_command

    seeded = _earlier_seed()
    if seeded:
        print("Reusing the data of an earlier run in this database")
        return seeded
    _timed(f"Seeding the shop ({SHOP_CUSTOMERS:,} customers)", _seed_shop)
    _timed(f"Adding {orders} orders to {CUSTOMER_EMAIL}", lambda: _add_orders(orders))
    seeded = _timed(f"Creating {threads:,} threads", lambda: _seed_threads(threads))
    _timed("Counting them (repair_thread_counts)", lambda: call_command("repair_thread_counts", verbosity=0))
    _timed("VACUUM ANALYZE", _analyze)
    return seeded


def _earlier_seed():
    """(pok, superuser, long thread) of an earlier run against the same --database-url, or None."""
    from django.contrib.auth import get_user_model

    from threads.models import Thread

    user = get_user_model().objects.filter(username=BENCH_USER).first()
    thread = Thread.objects.filter(message_count=THREAD_MESSAGES, customer_email=CUSTOMER_EMAIL).first()
    return (thread.pok, user, thread) if user and thread else None


def _seed_shop() -> None:
    from customers.demo import seed_shop

    seed_shop(SHOP_CUSTOMERS)


def _add_orders(count: int) -> None:
    """`count` more orders for customer 1, several lines each, most shipped with a tracking number."""
    from django.db import transaction
    from django.db.models import Max

    from customers.bulk import insert_rows
    from customers.models import Order, OrderCarrier, OrderDetail

    rng = random.Random(5)
    first_id = (Order.objects.aggregate(top=Max("id_order"))["top"] or 0) + 1
    orders, details, carriers = [], [], []
    for n in range(count):
        id_order = first_id + n
        placed = NOW - timedelta(days=n, hours=rng.randint(0, 23))
        state = rng.choice((2, 3, 4, 4, 5, 5, 5, 6, 10))
        orders.append(
            dict(
                id_order=id_order,
                reference=f"BENCH{n:04d}",
                customer_id=1,
                id_cart=id_order,
                id_lang=1,
                currency_id=1,
                carrier_id=2,
                address_delivery_id=1,
                address_invoice_id=1,
                current_state_id=state,
                payment="BLIK",
                total_paid_tax_incl=Decimal(rng.randint(1000, 90000)) / 100,
                date_add=placed,
                date_upd=placed,
            )
        )
        details += [
            dict(
                order_id=id_order,
                product_name=f"Produkt {line}",
                product_quantity=1,
                id_order_detail=id_order * 10 + line,
            )
            for line in range(rng.randint(1, 6))
        ]
        tracking = f"{rng.randint(10**15, 10**16 - 1)}" if state in (4, 5) else ""
        carriers.append(
            dict(id_order_carrier=id_order, order_id=id_order, carrier_id=2, tracking_number=tracking, date_add=placed)
        )
    with transaction.atomic():
        insert_rows(Order, orders)
        insert_rows(OrderDetail, details)
        insert_rows(OrderCarrier, carriers)
    _reset_sequences("customers")


def _seed_threads(count: int):
    """A POK with `count` threads, one incoming message each, and the customer's thread of 50 messages."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from pok.models import Pok, PokStaff
    from threads.models import Thread

    user = get_user_model().objects.create_superuser(BENCH_USER, "bench@example.com", "bench-password")
    owners = [
        get_user_model().objects.create_user(f"staff{n}", is_staff=True, first_name=f"Staff {n}") for n in range(5)
    ]
    pok = Pok.objects.create(
        name="Sklep", from_address="bok@shop.example", imap_host="127.0.0.1", smtp_host="127.0.0.1"
    )
    PokStaff.objects.bulk_create([PokStaff(pok=pok, user=owner) for owner in owners])
    public_ids = _public_ids(count)
    rng = random.Random(7)
    with transaction.atomic():
        for start in range(0, count, BATCH):
            _insert_threads(
                pok, owners, public_ids[start : start + BATCH], start, rng, max(count // CUSTOMER_THREADS, 1)
            )
        _reset_sequences("threads")
        thread = Thread.objects.get(public_id=public_ids[0])
        _long_thread(thread, owners[0])
    return pok, user, thread


def _public_ids(count: int) -> list[str]:
    from threads.public_ids import random_public_id

    ids = {}
    while len(ids) < count:
        ids[random_public_id()] = None
    return list(ids)


def _insert_threads(pok, owners, public_ids, start, rng, customer_every: int) -> None:
    from customers.bulk import insert_rows
    from threads.models import Direction, Message, Status, Thread

    threads, messages = [], []
    for offset, public_id in enumerate(public_ids):
        n = start + offset
        email = CUSTOMER_EMAIL if n % customer_every == 0 else f"klient{n}@example.pl"
        when = NOW - timedelta(minutes=n * 7 + rng.randint(0, 6))
        status = rng.choice((Status.NEW, Status.NEW, Status.WAITING, Status.ARCHIVED, Status.ARCHIVED)).value
        failed = n % 113 == 0  # a reply that did not go out: its thread is new (never filed away)
        recipient = rng.choice(MAILBOX_ALIASES)
        threads.append(
            dict(
                id=n + 1,
                pok_id=pok.pk,
                public_id=public_id,
                subject=f"Zamówienie {n}: pytanie o dostawę",
                customer_email=email,
                customer_name=f"Klient {n}",
                status=Status.NEW.value if failed else status,
                recipient=recipient,
                owner_id=rng.choice(owners).pk if rng.random() < 0.6 else None,
                created_at=when,
                last_message_at=when,
                message_count=1,
                has_problem=n % 97 == 0,
                has_failed_delivery=failed,
                last_customer_at=when,
                changed_at=when,
            )
        )
        messages.append(
            dict(
                id=n + 1,
                thread_id=n + 1,
                pok_id=pok.pk,
                direction=Direction.INCOMING.value,
                message_id=f"<bench-{n}@example.pl>",
                from_name=f"Klient {n}",
                from_address=email,
                to=recipient,
                date=when,
                subject=f"Zamówienie {n}: pytanie o dostawę",
                body_text="Dzień dobry, kiedy wyślecie paczkę?\n" * 5,
                reply_text="Dzień dobry, kiedy wyślecie paczkę?",
                created_at=when,
            )
        )
    insert_rows(Thread, threads)
    insert_rows(Message, messages)


def _long_thread(thread, staff) -> None:
    """Thread 1 (the customer's) gets 50 messages: customer mail, replies and notes, some HTML."""
    from threads.models import Delivery, Direction, Message

    messages = []
    for n in range(1, THREAD_MESSAGES):
        direction = (Direction.INCOMING, Direction.OUTGOING, Direction.NOTE)[n % 3]
        text = f"Wiadomość {n}: " + "Dzień dobry, proszę o informację w sprawie zamówienia. " * 8
        messages.append(
            Message(
                thread=thread,
                pok_id=thread.pok_id,
                direction=direction,
                from_name="Jan Kowalski",
                from_address=CUSTOMER_EMAIL if direction == Direction.INCOMING else "bok@shop.example",
                to="bok@shop.example",
                date=thread.last_message_at + timedelta(minutes=n),
                subject=f"Re: {thread.subject} {thread.token}",
                body_text=text + "\n\n> cytat poprzedniej wiadomości\n" * 3,
                body_html=f"<p>{text}</p><blockquote>cytat</blockquote>" if n % 2 else "",
                reply_text=text,
                author=None if direction == Direction.INCOMING else staff,
                delivery=Delivery.SENT if direction == Direction.OUTGOING else "",
            )
        )
    Message.objects.bulk_create(messages)
    thread.message_count = THREAD_MESSAGES
    thread.last_message_at = messages[-1].date
    thread.save(update_fields=["message_count", "last_message_at"])


def _describe(pok) -> None:
    from django.db.models import Count

    from customers.models import Order

    counts = dict(pok.threads.values_list("status").annotate(n=Count("id")).order_by())
    orders = Order.objects.filter(customer__email=CUSTOMER_EMAIL).count()
    print(
        f"POK {pok.name}: {sum(counts.values()):,} threads ({', '.join(f'{k} {v:,}' for k, v in sorted(counts.items()))}); "
        f"{CUSTOMER_EMAIL}: {orders} orders"
    )


def _reset_sequences(app_label: str) -> None:
    """Rows inserted with explicit ids: move the id sequences past them."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    sql = StringIO()
    call_command("sqlsequencereset", app_label, stdout=sql, no_color=True)
    with connection.cursor() as cursor:
        cursor.execute(sql.getvalue())


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _pages(pok, thread, user) -> list[tuple[str, str]]:
    from django.urls import reverse

    from crm.templatetags.crm_tags import customer_card_url
    from threads.tables import ThreadTable

    inbox = reverse("threads:inbox", args=[pok.pk])
    archive = reverse("threads:archive", args=[pok.pk])
    pages = [("INBOX (default order)", inbox)]
    for column, definition in ThreadTable.base_columns.items():
        if definition.orderable is False:  # the tick box
            continue
        for sort in (column, f"-{column}"):
            pages.append((f"INBOX sort={sort}", f"{inbox}?sort={sort}"))
    pages.append(("INBOX page 5", f"{inbox}?page=5"))
    pages.append(("INBOX filtered (subject)", f"{inbox}?subject=dostaw&sort=-last_message_at"))
    pages.append(("Archive (default order)", archive))
    pages.append(("Archive sort=subject", f"{archive}?sort=subject"))
    pages.append(("My threads (staff0's)", reverse("threads:mine")))
    pages.append((f"thread of {THREAD_MESSAGES} messages", reverse("threads:detail", args=[thread.public_id])))
    pages.append(("customer card (newest 20 orders)", customer_card_url(CUSTOMER_EMAIL)))
    return pages


class SqlClock:
    """Sums the time and count of SQL queries run while installed as a connection execute wrapper."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def _requester(user):
    """A function timing one request of a page: (ms, SQL ms, queries), logged in as the superuser (or as
    staff0 for My threads)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client, staff = Client(), Client()
    client.force_login(user)
    staff.force_login(get_user_model().objects.get(username="staff0"))

    def request(name: str, url: str) -> tuple[float, float, int]:
        clock = SqlClock()
        started = time.perf_counter()
        with connection.execute_wrapper(clock):
            response = (staff if url.endswith("/mine/") else client).get(url, HTTP_ACCEPT_LANGUAGE="pl")
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        return elapsed, clock.seconds * 1000, clock.queries

    return request


def report(results, repeat: int) -> None:
    width = max(len(name) for name, *_ in results)
    print(f"\nServer time, median of {repeat} requests after {WARM_UP} warm-up (target < {TARGET_MS} ms)")
    print(f"{'page':<{width}}  {'median':>9}  {'slowest':>9}  {'SQL':>9}  queries")
    for name, median, slowest, sql, queries in results:
        verdict = "ok" if median < TARGET_MS else "SLOW"
        print(f"{name:<{width}}  {median:6.1f} ms  {slowest:6.1f} ms  {sql:6.1f} ms  {queries:>7}  {verdict}")
    slow = [name for name, median, *_ in results if median >= TARGET_MS]
    summary = f"{len(results) - len(slow)} of {len(results)} pages under {TARGET_MS} ms"
    print(f"\n{summary}" + (f"; slow: {', '.join(slow)}" if slow else ""))
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: other work on the machine inflates these)")


def compare(small: list[tuple], large: list[tuple], args, previous: dict) -> None:
    """Each page at both sizes with the ratio, then the INBOX's time outside SQL against the previous revision."""
    width = max(len(row[0]) for row in small)
    print(f"\nMedian server time, {args.small:,} vs {args.threads:,} threads (target ratio <= {TARGET_RATIO})")
    print(
        f"{'page':<{width}}  {args.small:>9,}  {args.threads:>9,}  ratio  {'SQL small':>9}  {'SQL large':>9}  queries"
    )
    slow = []
    for (name, median_s, _, sql_s, queries_s), (_, median_l, _, sql_l, queries_l) in zip(small, large, strict=True):
        ratio = median_l / median_s
        verdict = "ok" if ratio <= TARGET_RATIO and queries_s == queries_l else "OVER"
        if verdict != "ok":
            slow.append(name)
        print(
            f"{name:<{width}}  {median_s:6.1f} ms  {median_l:6.1f} ms  {ratio:5.2f}  {sql_s:6.1f} ms  {sql_l:6.1f} ms"
            f"  {queries_s:>3}/{queries_l:<3} {verdict}"
        )
    print(
        f"\n{len(small) - len(slow)} of {len(small)} pages within {TARGET_RATIO}x"
        + (f"; over: {', '.join(slow)}" if slow else "")
    )
    if previous:
        _compare_rendering(small, previous)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


def _compare_rendering(small: list[tuple], previous: dict) -> None:
    print("\nTime outside SQL on the small database, previous revision vs now (target: now <= 1/3 of previous)")
    for name, median, _slowest, sql, queries in small:
        if name in previous and name.startswith("INBOX"):
            before, before_sql, before_queries = previous[name]
            outside, outside_before = median - sql, before - before_sql
            print(
                f"{name:<28} previous {outside_before:6.1f} ms ({before_queries} queries)  now {outside:6.1f} ms"
                f" ({queries} queries)  ratio {outside / outside_before:4.2f}"
            )


def _timed(label: str, work):
    started = time.monotonic()
    print(f"{label} ...", end=" ", flush=True)
    result = work()
    print(f"{time.monotonic() - started:.1f} s")
    return result


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100_000, help="threads of the large archive (default 100,000)")
    parser.add_argument("--small", type=int, default=10_000, help="threads of the small archive (default 10,000)")
    parser.add_argument(
        "--previous",
        default="merge-base",
        help="git revision to compare the rendering with, or none (default: merge-base with main)",
    )
    parser.add_argument(
        "--rendering",
        action="store_true",
        help="only the INBOX pages on the small archive against the previous revision (the rendering comparison, "
        "quick to repeat while working on it)",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--orders", type=int, default=200, help="extra orders of the card's customer (default 200)")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page (default 15)")
    parser.add_argument(
        "--server",
        help="a running PostgreSQL (its URL) to keep the databases bench_pages_<size> on: built once, reused by "
        "the next runs",
    )
    parser.add_argument(
        "--database-url",
        help="use this PostgreSQL database instead of a throwaway server (kept; a second run reuses its data)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
