"""Bulk actions on the lists: ticked rows or all matching the filter; one history event per changed
thread; each thread checked against the user's POKs; a fixed number of queries whatever the selection."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import receive_threads
from threads import services
from threads.models import BlockedSender, EventKind, ReadMark, Status, Thread, ThreadEvent
from threads.selectors import unread, with_unread

URL = reverse("threads:bulk")


def post(client, threads, action, **extra):
    data = {"action": action, "scope": "inbox", "pick": [t.public_id for t in threads], **extra}
    return client.post(URL, data)


def bulk_queries(client, threads, action) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert post(client, threads, action).status_code == 302
    return len(captured)


def test_status_over_60_threads_costs_what_it_costs_over_3(anna_client, pok_a, django_assert_max_num_queries):
    threads = receive_threads(pok_a, 63)
    few = bulk_queries(anna_client, threads[:3], "status:waiting")
    with django_assert_max_num_queries(few):
        assert post(anna_client, threads[3:], "status:waiting").status_code == 302
    assert Thread.objects.filter(status=Status.WAITING).count() == 63
    events = ThreadEvent.objects.filter(kind=EventKind.STATUS, new_value=Status.WAITING)
    assert events.count() == 63 and len({e.thread_id for e in events}) == 63


def test_assign_and_read_marks_over_60_threads_cost_a_fixed_number(
    anna_client, pok_a, anna, django_assert_max_num_queries
):
    threads = receive_threads(pok_a, 63)
    for action in (f"owner:{anna.pk}", "read", "unread", "owner:none"):
        few = bulk_queries(anna_client, threads[:3], action)
        with django_assert_max_num_queries(few):
            assert post(anna_client, threads[3:], action).status_code == 302
    assert ThreadEvent.objects.filter(kind=EventKind.ASSIGNED, new_value="anna").count() == 63
    assert ThreadEvent.objects.filter(kind=EventKind.ASSIGNED, new_value="", old_value="anna").count() == 63
    assert not Thread.objects.filter(owner__isnull=False).exists()


def test_read_and_unread(anna_client, pok_a, anna):
    threads = receive_threads(pok_a, 4)
    post(anna_client, threads[:3], "read")
    listed = with_unread(Thread.objects.order_by("id"), anna)
    assert [t.unread for t in listed] == [False, False, False, True]
    post(anna_client, threads[:1], "unread")
    assert Thread.objects.filter(unread(anna)).count() == 2
    assert ReadMark.objects.filter(user=anna).count() == 2


def test_all_matching_the_filter(anna_client, pok_a):
    threads = receive_threads(pok_a, 8)
    Thread.objects.filter(pk__in=[t.pk for t in threads[:3]]).update(subject="Faktura")
    response = anna_client.post(
        URL, {"action": "status:archived", "scope": "inbox", "pok": pok_a.pk, "all": "1", "filter": "subject=Faktura"}
    )
    assert response.status_code == 302
    assert set(Thread.objects.filter(status=Status.ARCHIVED).values_list("subject", flat=True)) == {"Faktura"}
    assert Thread.objects.filter(status=Status.ARCHIVED).count() == 3


def test_threads_of_other_poks_are_left_alone(client, pok_a, pok_b, bob):
    mine_ = receive_threads(pok_b, 2)
    foreign = receive_threads(pok_a, 2)
    client.force_login(bob)
    post(client, mine_ + foreign, "status:archived")
    assert set(Thread.objects.filter(status=Status.ARCHIVED)) == set(mine_)
    assert client.post(URL, {"action": "read", "scope": "inbox", "pok": pok_a.pk, "all": "1"}).status_code == 404


def test_an_owner_from_another_poks_staff_is_refused_per_thread(client, pok_a, pok_b, anna):
    boss = make_staff("boss", superuser=True)
    threads = receive_threads(pok_a, 2) + receive_threads(pok_b, 2)
    client.force_login(boss)
    response = client.post(
        URL, {"action": f"owner:{anna.pk}", "scope": "mine", "pick": [t.public_id for t in threads]}, follow=True
    )
    assert set(Thread.objects.filter(owner=anna)) == set(threads[:2])
    page = response.content.decode()
    assert "2 threads changed." in page and "2 threads left as they were" in page


def test_bad_input_is_refused_without_changes(anna_client, pok_a):
    threads = receive_threads(pok_a, 2)
    for data in (
        {"action": "status:closed", "scope": "inbox", "pick": [threads[0].public_id]},
        {"action": "drop tables", "scope": "inbox", "pick": [threads[0].public_id]},
        {"action": "read", "scope": "nowhere", "pick": [threads[0].public_id]},
        {"action": "read", "scope": "inbox"},
        {"action": "owner:99999", "scope": "inbox", "pick": [threads[0].public_id]},
        {"action": "read", "scope": "inbox", "pok": "x\x00", "all": "1"},
        {"action": "read", "scope": "inbox", "pick": ["\x00" * 5000]},
        {"action": "read", "scope": "inbox", "next": "https://evil.example/"},
    ):
        response = anna_client.post(URL, data)
        assert response.status_code == 302 and "evil" not in response["Location"], data
    assert not Thread.objects.exclude(status=Status.NEW).exists() and not ReadMark.objects.exists()


def test_spam_over_60_threads_blocks_each_sender_in_a_fixed_number_of_queries(
    anna_client, pok_a, django_assert_max_num_queries
):
    threads = receive_threads(pok_a, 63)
    few = bulk_queries(anna_client, threads[:3], "status:spam")
    with django_assert_max_num_queries(few):
        assert post(anna_client, threads[3:], "status:spam").status_code == 302
    assert Thread.objects.filter(status=Status.SPAM).count() == 63
    assert set(BlockedSender.objects.filter(pok=pok_a).values_list("pattern", flat=True)) == {
        f"c{n}@example.com" for n in range(63)
    }
    assert ThreadEvent.objects.filter(kind=EventKind.STATUS, new_value=Status.SPAM).count() == 63


def test_a_thread_whose_reply_is_not_delivered_stays_new(anna_client, pok_a, anna, django_capture_on_commit_callbacks):
    held, other = receive_threads(pok_a, 2)
    with django_capture_on_commit_callbacks(execute=False):  # the reply is queued, never sent
        services.reply(held, author=anna, text="Sprawdzamy.", then_status=Status.WAITING)
    response = anna_client.post(
        URL, {"action": "status:archived", "scope": "inbox", "pick": [held.public_id, other.public_id]}, follow=True
    )
    held.refresh_from_db()
    other.refresh_from_db()
    assert (held.status, other.status) == (Status.NEW, Status.ARCHIVED)
    page = response.content.decode()
    assert "1 thread changed." in page and "1 thread stays new: a reply in it has not been delivered." in page
