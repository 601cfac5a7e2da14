"""Customer search benchmark: the index against the naive ILIKE, on PostgreSQL.

Starts a throwaway PostgreSQL, migrates, seeds the demo shop, builds the index,
then runs 200 fixed queries both ways on the same database and prints latency
percentiles, the speed ratio and how many expected customers each way finds.

    /tmp/venv/bin/python bench/search.py --customers 20000      # quick try
    /tmp/venv/bin/python bench/search.py                        # 1,000,000 customers

Targets: index p95 < 50 ms, >= 20x faster than naive, every expected hit found.
"""

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a file: bench/ would shadow the search app
    sys.path[0] = str(PROJECT_ROOT)

from bench.database import django_on_postgresql  # noqa: E402
from crm.text import fold  # noqa: E402  (pure functions: no Django needed)
from search.normalize import digits  # noqa: E402

QUERY_COUNT = 200
WARM_UP_QUERIES = 10
TARGETS_SEED = 6
NAIVE_COLUMNS = (
    "c.email",
    "c.firstname",
    "c.lastname",
    "c.company",
    "a.company",
    "a.address1",
    "a.address2",
    "a.postcode",
    "a.city",
    "a.phone",
    "a.phone_mobile",
    "a.vat_number",
    "a.dni",
)
NAIVE_WHERE = "c.deleted = false AND (" + " OR ".join(f"{column} ILIKE %(pattern)s" for column in NAIVE_COLUMNS) + ")"
NAIVE_FROM = "ps_customer c LEFT JOIN ps_address a ON a.id_customer = c.id_customer"
PHONE_WRITINGS = ("+48 {a} {b} {c}", "{a}-{b}-{c}", "{a}{b}{c}", "0048{a}{b}{c}", "{a} {b} {c}")
NIP_WRITINGS = ("PL {a}-{b}-{c}-{d}", "{a}{b}{c}{d}", "{a}-{b}-{c}-{d}", "PL{a}{b}{c}{d}", "{a} {b} {c} {d}")


@dataclass
class BenchQuery:
    kind: str
    text: str
    expected_customer: int


@dataclass
class Measurement:
    name: str
    times: list[float]  # ms per query, in query order
    found: list[bool]  # whether each query's expected customer is among what this way matches

    @property
    def percentiles(self) -> tuple[float, float, float]:
        return _percentiles(self.times)


def main() -> None:
    args = _arguments()
    with django_on_postgresql(args.database_url, "bench"):
        run(args.customers)


def run(customers: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _timed(f"Seeding {customers:,} customers", lambda: _seed(customers))
    build_seconds = _timed("Building the index (reindex_customers --full)", _build_index)
    _analyze()
    queries = bench_queries(customers)
    print(f"\n{len(queries)} queries, same PostgreSQL database")
    print(f"{'':20}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}{'expected hits':>16}")
    index = measure("index (trigram)", queries, _index_search, _index_finds)
    naive = measure("naive ILIKE", queries, _naive_search, _naive_finds)
    ratios = [naive_p / index_p for naive_p, index_p in zip(naive.percentiles, index.percentiles, strict=False)]
    print("naive / index: p50 {:.0f}x, p95 {:.0f}x, p99 {:.0f}x".format(*ratios))
    _report_kinds(queries, index, naive)
    print(f"\nIndex build: {build_seconds:.1f} s; {_index_sizes()}")
    _report_targets(index, ratios[1])


def bench_queries(customers: int) -> list[BenchQuery]:
    """200 fixed queries, each written from one seeded customer's real data."""
    rng = random.Random(TARGETS_SEED)
    makers = [
        _lastname,
        _lastname_ascii,
        _full_name,
        _email_part,
        _whole_email,
        _phone,
        _phone_digits,
        _nip,
        _city,
        _two_words,
        _street,
    ]
    queries = []
    while len(queries) < QUERY_COUNT:
        customer, address = _customer_with_address(rng.randint(1, customers))
        query = makers[len(queries) % len(makers)](rng, customer, address)
        if query:
            queries.append(BenchQuery(query[0], query[1], customer.id_customer))
    return queries


def _customer_with_address(id_customer):
    from customers.models import Address, Customer

    customer = Customer.objects.get(pk=id_customer)
    return customer, Address.objects.filter(customer_id=id_customer).order_by("-date_upd").first()


def _lastname(rng, customer, address):
    return "lastname as written", customer.lastname


def _lastname_ascii(rng, customer, address):
    return "lastname without diacritics", fold(customer.lastname)


def _full_name(rng, customer, address):
    return "first and last name", f"{customer.firstname} {customer.lastname}"


def _email_part(rng, customer, address):
    local = customer.email.split("@")[0]
    return "partial e-mail", local[rng.randint(0, 3) :]


def _whole_email(rng, customer, address):
    return "whole e-mail, other case", customer.email.title()


def _phone(rng, customer, address):
    number = digits(address.phone)[-9:] if address else ""
    if len(number) != 9:
        return None
    writing = rng.choice(PHONE_WRITINGS)
    return "phone, other writing", writing.format(a=number[:3], b=number[3:6], c=number[6:])


def _phone_digits(rng, customer, address):
    number = digits(address.phone)[-9:] if address else ""
    return ("phone, digits", number) if len(number) == 9 else None


def _nip(rng, customer, address):
    nip = digits(address.vat_number) if address else ""
    if len(nip) != 10:
        return None
    return "NIP, any writing", rng.choice(NIP_WRITINGS).format(a=nip[:3], b=nip[3:6], c=nip[6:8], d=nip[8:])


def _city(rng, customer, address):
    return ("city without diacritics", fold(address.city)) if address else None


def _two_words(rng, customer, address):
    return ("lastname + city", f"{fold(customer.lastname)} {fold(address.city)}") if address else None


def _street(rng, customer, address):
    street = address.address1.split(" ", 1)[-1] if address else ""
    return ("street and number, no diacritics", fold(street)) if street else None


def measure(name, queries, search, finds) -> Measurement:
    for query in queries[:WARM_UP_QUERIES]:
        search(query.text)
    times = []
    for query in queries:
        started = time.perf_counter()
        search(query.text)
        times.append((time.perf_counter() - started) * 1000)
    measurement = Measurement(name, times, [finds(query) for query in queries])
    p50, p95, p99 = measurement.percentiles
    hits = f"{sum(measurement.found)}/{len(queries)}"
    print(f"{name:20}{p50:10.1f}{p95:10.1f}{p99:10.1f}{max(times):10.1f}{hits:>16}", flush=True)
    return measurement


def _index_search(text):
    from search.selectors import search_customers

    return search_customers(text)


def _index_finds(query: BenchQuery) -> bool:
    from search.models import CustomerIndexEntry
    from search.selectors import matching, parse_query

    terms = parse_query(query.text)
    return CustomerIndexEntry.objects.filter(matching(terms), customer_id=query.expected_customer).exists()


def _naive_search(text):
    from search.selectors import MAX_RESULTS

    sql = f"SELECT c.id_customer, c.firstname, c.lastname, c.email, a.phone FROM {NAIVE_FROM} WHERE {NAIVE_WHERE} LIMIT %(limit)s"
    return _fetch(sql, {"pattern": f"%{text}%", "limit": MAX_RESULTS + 1})


def _naive_finds(query: BenchQuery) -> bool:
    sql = f"SELECT 1 FROM {NAIVE_FROM} WHERE c.id_customer = %(id)s AND {NAIVE_WHERE}"
    return bool(_fetch(sql, {"pattern": f"%{query.text}%", "id": query.expected_customer}))


def _report_kinds(queries, index: Measurement, naive: Measurement) -> None:
    print("\nBy kind of query: expected hits found and p95 ms (index | naive), with an example")
    for kind in dict.fromkeys(query.kind for query in queries):
        picked = [n for n, query in enumerate(queries) if query.kind == kind]
        cells = [
            f"{sum(m.found[n] for n in picked):3}/{len(picked)} {_p95([m.times[n] for n in picked]):8.1f}"
            for m in (index, naive)
        ]
        print(f"  {kind:34}{cells[0]}  | {cells[1]}   e.g. {queries[picked[0]].text!r}")


def _report_targets(index: Measurement, speedup: float) -> None:
    checks = (
        ("p95 < 50 ms", index.percentiles[1] < 50),
        ("naive/index p95 >= 20x", speedup >= 20),
        ("every expected hit found", all(index.found)),
    )
    print("Targets: " + ", ".join(f"{name}: {'OK' if ok else 'MISSED'}" for name, ok in checks))


def _index_sizes() -> str:
    sql = (
        "SELECT pg_size_pretty(pg_total_relation_size('search_customer_index')), "
        "pg_size_pretty(pg_relation_size('search_customer_index_text_trgm')), "
        "(SELECT count(*) FROM search_customer_index)"
    )
    total, trigram, rows = _fetch(sql, {})[0]
    return f"{rows:,} rows, table with indexes {total}, of which trigram GIN {trigram}"


def _percentiles(times) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def _p95(times) -> float:
    return _percentiles(times)[1]


def _seed(customers: int) -> None:
    from customers.demo import seed_shop

    seed_shop(customers=customers, progress=_progress)


def _build_index() -> None:
    from search.indexing import reindex_full

    reindex_full(progress=_progress)


def _progress(done, total) -> None:
    if done == total or done % 100_000 < 2000:
        print(f"  {done:,} / {total:,}", flush=True)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _fetch(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _timed(label, action) -> float:
    print(f"{label}...", flush=True)
    started = time.monotonic()
    action()
    seconds = time.monotonic() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="customers to seed (default 1,000,000)")
    parser.add_argument(
        "--database-url", help="use this PostgreSQL database (kept; seeding adds only missing customers)"
    )
    return parser.parse_args()


if __name__ == "__main__":
    main()
