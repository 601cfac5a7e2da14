"""Owner notifications benchmark on PostgreSQL: the live poll's "which of my threads did a customer answer"
and the digest's decision, at --threads threads of which each owner has a share.

Starts a throwaway PostgreSQL, migrates, creates --threads threads in two POKs owned round-robin by
--owners staff members, each with a customer answer at some time over the past year (so that the whole
archive is answered, as in a real shop), and --recent customer messages in the first owner's threads
in the last hour. Then, side by side in one run, times the median of --repeat:
- the poll after a change with browser notifications on (threads:live with answered_after), against the
  same poll without them: what the notifications add;
- answered_owned() (index thread_owner_customer) against the naive query, the user's threads filtered
  by the answer time without that index (the owner index only, then every owned thread's time checked);
- the digest's decision for the first owner (untold_messages), against the naive one that looks at
  every customer message of the owner's threads;
and counts each one's SQL queries.

    .venv/bin/python bench/notify.py                       # 1,000,000 threads
    .venv/bin/python bench/notify.py --threads 100000      # quick try
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a file: make the project importable
    sys.path[0] = str(PROJECT_ROOT)

from bench.database import django_on_postgresql  # noqa: E402
from bench.poll import _public_id  # noqa: E402

BATCH = 20_000
WARM_UP = 5


def main() -> None:
    args = _arguments()
    with django_on_postgresql(args.database_url, "bench_notify"):
        run(args)


def run(args) -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from crm.models import Preferences
    from threads import digests
    from threads.selectors import answered_owned

    call_command("migrate", verbosity=0)
    user = _seed(args.threads, args.owners, args.recent)
    client = Client()
    client.force_login(user)
    live = reverse("threads:live")
    hour_ago = (timezone.now() - timedelta(hours=1)).timestamp()
    # Alternately, so that a busy machine or a warming cache weighs on both alike.
    plain, notifying = _alternately(
        lambda: client.get(live, {"since": "0:"}),
        lambda: client.get(live, {"since": "0:", "answered_after": f"{hour_ago:.6f}"}),
        args.repeat,
    )
    after = timezone.now() - timedelta(hours=1)
    indexed = _time(lambda: answered_owned(user, after), args.repeat)
    naive = _time(lambda: _naive_answered(user, after), args.repeat)
    preferences = Preferences.objects.get(user=user)
    preferences.last_digest = timezone.now() - timedelta(hours=1)  # the previous digest, as due_owners() tells
    decision = _time(lambda: digests.untold_messages(preferences), args.repeat)
    naive_decision = _time(lambda: _naive_untold(preferences), args.repeat)
    assert len(answered_owned(user, after)) == min(5, args.recent)
    assert len(digests.untold_messages(preferences)) == args.recent == len(_naive_untold(preferences))

    print(f"\n{args.threads:,} threads, {args.owners} owners ({args.threads // args.owners:,} threads each), ", end="")
    print(f"{args.recent} answers in the last hour; median of {args.repeat} runs each")
    print(f"{'':<58}{'ms':>9}{'queries':>9}")
    for name, (ms, queries) in (
        ("poll after a change, notifications off", plain),
        ("poll after a change, notifications on", notifying),
        ("answered_owned (index thread_owner_customer)", indexed),
        ("naive: the owner's threads, answer time checked each", naive),
        ("digest decision (untold_messages)", decision),
        ("naive: every customer message of the owner's threads", naive_decision),
    ):
        print(f"{name:<58}{ms:>9.2f}{queries:>9}")
    print(f"\nnotifications add {notifying[0] - plain[0]:.2f} ms and {notifying[1] - plain[1]} query to a poll")
    print(f"answered_owned vs naive: {naive[0] / indexed[0]:.0f}x less time")
    print(f"digest decision vs naive: {naive_decision[0] / decision[0]:.0f}x less time")


def _naive_answered(user, after):
    """The same threads without the owner + answer-time index: PostgreSQL walks the owner's threads."""
    from django.db.models.functions import Coalesce

    from threads.models import Status, Thread

    threads = Thread.objects.filter(owner=user).exclude(status=Status.SPAM)
    # Coalesce() keeps the planner off thread_owner_customer, as before it existed.
    threads = threads.annotate(answered=Coalesce("last_customer_at", "created_at")).filter(answered__gt=after)
    return list(threads.order_by("-answered")[:5])


def _naive_untold(preferences):
    """The customer messages of all the owner's threads that arrived since the previous digest, not yet told."""
    from django.db.models import Exists, OuterRef

    from threads.digests import OVERLAP
    from threads.models import DigestEntry, Direction, Message

    told = DigestEntry.objects.filter(user=preferences.user, message=OuterRef("pk"))
    since = preferences.last_digest - OVERLAP
    return list(
        Message.objects.filter(
            thread__owner=preferences.user, direction=Direction.INCOMING, created_at__gt=since
        ).filter(~Exists(told))
    )


def _alternately(first, second, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for _ in range(WARM_UP):
        first(), second()
    times = ([], [])
    for _ in range(repeat):
        for call, kept in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            assert call().status_code == 200
            kept.append((time.perf_counter() - start) * 1000)
    for call, kept in ((first, times[0]), (second, times[1])):
        with CaptureQueriesContext(connection) as captured:
            call()
        results.append((statistics.median(kept), len(captured)))
    return results


def _time(call, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return statistics.median(times), len(captured)


def _seed(count, owners, recent):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from crm.models import Preferences
    from crm.preferences import save_preferences
    from pok.models import Pok
    from tests.factories import make_pok, make_staff
    from threads.models import Direction, Message, Status, Thread

    if Pok.objects.filter(name__startswith="Bench").count() == 2:
        print("Reusing the data of an earlier run in this database")
        return get_user_model().objects.get(username="owner0")
    poks = [make_pok(name=f"Bench {n}", from_address=f"bok{n}@shop.example") for n in range(2)]
    staff = [make_staff(f"owner{n}", *poks) for n in range(owners)]
    now = timezone.now()
    year = 365 * 24 * 3600
    statuses = [Status.NEW, Status.WAITING, Status.ARCHIVED, Status.ARCHIVED, Status.ARCHIVED]
    start = time.perf_counter()
    for first in range(0, count, BATCH):
        rows = [
            Thread(
                pok=poks[n % 2],
                public_id=_public_id(n),
                subject=f"Pytanie {n}",
                customer_email=f"c{n}@example.com",
                status=statuses[n % len(statuses)],
                owner=staff[n % owners],
                message_count=1,
                last_customer_at=now - timedelta(seconds=3600 + (n * 7919) % year),
            )
            for n in range(first, min(first + BATCH, count))
        ]
        with transaction.atomic():
            Thread.objects.bulk_create(rows)
        print(f"\r  threads {min(first + BATCH, count):,}/{count:,}", end="", flush=True)
    user = staff[0]
    user.email = "owner0@staff.example"
    user.save()
    save_preferences(user, language="", browser_notifications="on", digest="hourly")
    Preferences.objects.filter(user=user).update(digest_since=now - timedelta(days=365))
    # A year of customer mail in the first owner's threads (one message each), then the last hour's answers.
    old = list(Thread.objects.filter(owner=user).order_by("id").values_list("id", "pok_id", "last_customer_at"))
    for first in range(0, len(old), BATCH):
        Message.objects.bulk_create(
            Message(thread_id=t, pok_id=p, direction=Direction.INCOMING, date=at, message_id=f"<o{t}@bench>")
            for t, p, at in old[first : first + BATCH]
        )
    Message.objects.filter(thread__owner=user).update(created_at=now - timedelta(days=200))
    fresh = [t for t, _p, _at in old[:recent]]
    for n, (thread_id, pok_id, _at) in enumerate(old[:recent]):
        Message.objects.create(
            thread_id=thread_id, pok_id=pok_id, direction=Direction.INCOMING, date=now, message_id=f"<r{n}@bench>"
        )
    Thread.objects.filter(pk__in=fresh).update(last_customer_at=now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"\nSeeded in {time.perf_counter() - start:.0f} s")
    return user


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1_000_000, help="threads in all (default 1,000,000)")
    parser.add_argument("--owners", type=int, default=20, help="staff members owning them (default 20)")
    parser.add_argument("--recent", type=int, default=3, help="customer answers in the last hour (default 3)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs each (default 30)")
    parser.add_argument("--database-url", help="use this PostgreSQL database instead of a throwaway server (kept)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
