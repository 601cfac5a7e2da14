"""Lists and the thread page run a fixed number of SQL queries whatever the number of rows."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pok.models import PokStaff
from tests.factories import make_pok, make_staff
from tests.threads.ui.mails import BASE_TIME, receive, receive_threads
from threads import presence, services
from threads.models import CannedReply


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_inbox_queries_do_not_grow_with_threads(anna_client, pok_a, anna, django_assert_max_num_queries):
    url = reverse("threads:inbox", args=[pok_a.pk])
    for thread in receive_threads(pok_a, 5):
        services.assign_owner(thread, owner=anna)
    few = queries(anna_client, url)
    for thread in receive_threads(pok_a, 55):
        services.assign_owner(thread, owner=anna)
    with django_assert_max_num_queries(few):
        page = anna_client.get(url).content.decode()
    assert page.count("Anna Nowak") >= 50


def test_archive_queries_do_not_grow_with_threads(anna_client, pok_a, django_assert_max_num_queries):
    url = reverse("threads:archive", args=[pok_a.pk])
    for thread in receive_threads(pok_a, 5):
        services.change_status(thread, status="archived")
    few = queries(anna_client, url)
    for thread in receive_threads(pok_a, 55):
        services.change_status(thread, status="archived")
    with django_assert_max_num_queries(few):
        anna_client.get(url, {"sort": "owner"})


# Session, user, the POKs with their counters, undelivered and unread counts, the POK's staff, the page's rows
# (the navigation's panels give the list its POK and its total), and whether the user has the personal-data
# permission, their own or a group's (the navigation's "Personal data" link; a superuser's is not read).
POK_LIST_QUERIES = 6


def test_pok_lists_run_six_queries(anna_client, pok_a, anna, django_assert_max_num_queries):
    for thread in receive_threads(pok_a, 3):
        services.assign_owner(thread, owner=anna)
    services.change_status(thread, status="archived")
    for name in ("threads:inbox", "threads:archive", "threads:spam"):
        with django_assert_max_num_queries(POK_LIST_QUERIES):
            page = anna_client.get(reverse(name, args=[pok_a.pk]))
        assert page.status_code == 200
    # The totals come from the panels' counters: 2 in the INBOX, 1 in the Archive.
    inbox = anna_client.get(reverse("threads:inbox", args=[pok_a.pk]))
    assert inbox.context["total"].count == 2
    assert anna_client.get(reverse("threads:archive", args=[pok_a.pk])).context["total"].count == 1


def test_overview_and_header_queries_do_not_grow_with_poks(client, db, django_assert_max_num_queries):
    admin = make_staff("root", superuser=True)
    client.force_login(admin)
    for n in range(2):
        receive_threads(make_pok(name=f"POK {n}"), 2)
    few = queries(client, reverse("overview"))
    for n in range(2, 12):
        receive_threads(make_pok(name=f"POK {n}"), 2)
    with django_assert_max_num_queries(few):
        assert "POK 11" in client.get(reverse("overview")).content.decode()


def test_thread_page_queries_do_not_grow_with_messages(anna_client, pok_a, anna, django_assert_max_num_queries):
    first = receive(pok_a, attachments=[("a.txt", b"a", "text", "plain")])
    thread = first.thread
    subject = f"Re: [{thread.token}] {thread.subject}"
    receive(pok_a, subject=subject)
    services.add_note(thread, author=anna, text="note")
    CannedReply.objects.create(name="Canned 0", language=pok_a.language, text="{first_name} {last_order}")
    url = reverse("threads:detail", args=[thread.public_id])
    few = queries(anna_client, url)
    for n in range(1, 11):
        CannedReply.objects.create(name=f"Canned {n}", language=pok_a.language, text="{first_name} {last_order}")
    for n in range(20):
        receive(pok_a, subject=subject, text=f"follow-up {n}", attachments=[(f"f{n}.txt", b"x", "text", "plain")])
        services.reply(thread, author=anna, text=f"answer {n}")
        services.add_note(thread, author=anna, text=f"note {n}")
    with django_assert_max_num_queries(few):
        page = anna_client.get(url).content.decode()
    assert "follow-up 19" in page and "answer 19" in page and "f19.txt" in page and "Canned 10" in page


FILTERS = {
    "text": "question",
    "subject": "Question",
    "sender": "example.com",
    "order": "Question",
    "status": "new",
    "date_from": "2026-01-01",
    "date_to": "2026-12-31",
    "sort": "-owner",
}


def test_filtered_inbox_queries_do_not_grow_with_threads(anna_client, pok_a, anna, django_assert_max_num_queries):
    url = reverse("threads:inbox", args=[pok_a.pk])
    params = {**FILTERS, "owner": anna.pk}
    for thread in receive_threads(pok_a, 5):
        services.assign_owner(thread, owner=anna)
    with CaptureQueriesContext(connection) as captured:
        anna_client.get(url, params)
    for n in range(3):
        make_staff(f"helper{n}", pok_a)
    for thread in receive_threads(pok_a, 55, start=BASE_TIME + timedelta(days=3)):
        services.assign_owner(thread, owner=anna)
    with django_assert_max_num_queries(len(captured)):
        response = anna_client.get(url, params)
    assert response.context["total"].count == 60


def test_my_threads_queries_do_not_grow_with_threads_or_poks(anna_client, pok_a, anna, django_assert_max_num_queries):
    url = reverse("threads:mine")
    for thread in receive_threads(pok_a, 3):
        services.assign_owner(thread, owner=anna)
    few = queries(anna_client, url)
    for n in range(5):
        pok = make_pok(name=f"More {n}", from_address=f"bok{n}@more.example")
        PokStaff.objects.create(pok=pok, user=anna)
        for thread in receive_threads(pok, 12, start=BASE_TIME + timedelta(days=n + 1)):
            services.assign_owner(thread, owner=anna)
    with django_assert_max_num_queries(few):
        response = anna_client.get(url, FILTERS)
    assert response.context["total"].count == 63


def test_presence_poll_queries_do_not_grow_with_viewers(client, pok_a, django_assert_max_num_queries):
    thread = receive(pok_a).thread
    url = reverse("threads:presence", args=[thread.public_id])
    client.force_login(make_staff("watcher", pok_a))
    presence.touch(thread, make_staff("first", pok_a), replying=True)
    with CaptureQueriesContext(connection) as captured:
        client.post(url, {"replying": "0"})
    for n in range(10):
        presence.touch(thread, make_staff(f"viewer{n}", pok_a), replying=False)
    with django_assert_max_num_queries(len(captured)):
        assert "viewer9 is also viewing" in client.post(url, {"replying": "0"}).content.decode()
