"""Every list, thread and customer-card query is answered from an index (PostgreSQL).

The pages run on an ANALYZEd archive of 30,000 threads; each query they ran touching threads or messages is
then EXPLAINed with sequential scans disabled: where an index can serve the query the planner takes it, where
none can it still has to scan, and the test names the page and the query."""

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.templatetags.crm_tags import customer_card_url
from customers.bulk import insert_rows
from tests.factories import make_pok, make_staff
from threads import services
from threads.models import Direction, Message, Status, Thread
from threads.public_ids import random_public_id
from threads.services import repair_counts
from threads.tables import ThreadTable

THREADS = 30_000
CUSTOMER = "jan@example.com"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STATUSES = [Status.NEW, Status.WAITING, Status.SPAM, *[Status.ARCHIVED] * 7]
WATCHED = ("threads_thread", "threads_message")


@pytest.fixture
def archive(db):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    pok = make_pok(name="Big shop")
    other = make_pok(name="Other shop", from_address="bok@other.example")
    staff = [make_staff(f"staff{n}", pok, other) for n in range(4)]
    rng = random.Random(1)
    ids = list(dict.fromkeys(random_public_id() for _ in range(THREADS + 100)))[:THREADS]
    threads, messages = [], []
    for n, public_id in enumerate(ids, 1):
        when = NOW - timedelta(minutes=n * 5)
        email = CUSTOMER if n % 2999 == 1 else f"c{n}@example.pl"
        threads.append(
            dict(
                id=n,
                pok_id=(pok if n % 10 else other).pk,
                public_id=public_id,
                subject=f"Zamówienie {n}",
                customer_email=email,
                status=Status.NEW.value if n % 401 == 0 else rng.choice(STATUSES).value,
                recipient="bok@shop.example",
                owner_id=rng.choice(staff).pk if rng.random() < 0.5 else None,
                created_at=when,
                last_message_at=when,
                message_count=1,
                last_customer_at=when,
                changed_at=when,
                has_failed_delivery=n % 401 == 0,
            )
        )
        messages.append(
            dict(
                id=n,
                thread_id=n,
                pok_id=threads[-1]["pok_id"],
                direction=Direction.INCOMING.value,
                message_id=f"<m{n}@example.pl>",
                from_address=email,
                date=when,
                subject=f"Zamówienie {n}",
                body_text=f"Kiedy paczka {n}?" if n % 50 == 0 else f"Faktura {n}",
                reply_text=f"Kiedy paczka {n}?" if n % 50 == 0 else f"Faktura {n}",
                created_at=when,
            )
        )
    insert_rows(Thread, threads)
    insert_rows(Message, messages)
    services.mark_read(Thread.objects.filter(pk__in=range(1, 300)), user=staff[0])
    repair_counts(pok)
    repair_counts(other)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE threads_thread; ANALYZE threads_message; ANALYZE threads_threadcount")
        cursor.execute("ANALYZE threads_readmark")
    return pok, staff[0]


def _pages(pok):
    inbox = reverse("threads:inbox", args=[pok.pk])
    archive = reverse("threads:archive", args=[pok.pk])
    spam = reverse("threads:spam", args=[pok.pk])
    mine = reverse("threads:mine")
    sortable = [name for name, column in ThreadTable.base_columns.items() if column.orderable is not False]
    sorts = [f"{sign}{column}" for column in sortable for sign in ("", "-")]
    pages = [f"{inbox}?sort={sort}" for sort in sorts if "pok" not in sort]
    pages += [f"{archive}?sort={sort}" for sort in sorts if "pok" not in sort]
    pages += [f"{mine}?sort={sort}" for sort in sorts if "owner" not in sort]
    pages += [inbox, archive, spam, mine, f"{inbox}?page=3", f"{archive}?page=3", f"{mine}?undelivered=on"]
    pages += [reverse("overview"), f"{reverse('threads:live')}?since=x&loaded={int(NOW.timestamp())}&panels=1"]
    filters = ["subject=1234", "sender=c1234", "order=123", "text=paczka", "status=new", "owner=none"]
    filters += ["date_from=2026-11-01&date_to=2026-11-10", "text=paczka&sort=-subject"]
    pages += [f"{inbox}?{query}" for query in filters] + [f"{archive}?{query}" for query in filters[:-3]]
    thread = Thread.objects.filter(pok=pok, customer_email=CUSTOMER).first()
    pages += [reverse("threads:detail", args=[thread.public_id]), customer_card_url(CUSTOMER)]
    return pages


def _sequential_scans(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in WATCHED:
            found.append(node["Relation Name"])
        stack += node.get("Plans", [])
    return found


def test_no_list_thread_or_card_query_scans_threads_or_messages(client, archive):
    pok, anna = archive
    client.force_login(anna)
    offenders, explained = [], 0
    for url in _pages(pok):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.startswith("SELECT") and any(table in sql for table in WATCHED):
                explained += 1
                offenders += [(url, table, sql[:300]) for table in _sequential_scans(sql)]
    assert explained > 60
    assert not offenders, "\n".join(map(str, offenders))
