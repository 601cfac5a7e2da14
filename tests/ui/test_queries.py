"""Lists and the thread page run a fixed number of SQL queries whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_pok, make_staff
from tests.ui.mails import receive, receive_threads
from threads import services


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_inbox_queries_do_not_grow_with_threads(anna_client, pok_a, anna, django_assert_max_num_queries):
    url = reverse("threads:inbox", args=[pok_a.pk])
    for thread in receive_threads(pok_a, 5):
        services.assign_owner(thread, anna)
    few = queries(anna_client, url)
    for thread in receive_threads(pok_a, 55):
        services.assign_owner(thread, anna)
    with django_assert_max_num_queries(few):
        page = anna_client.get(url).content.decode()
    assert page.count("Anna Nowak") >= 50


def test_archive_queries_do_not_grow_with_threads(anna_client, pok_a, django_assert_max_num_queries):
    url = reverse("threads:archive", args=[pok_a.pk])
    for thread in receive_threads(pok_a, 5):
        services.change_status(thread, "archived")
    few = queries(anna_client, url)
    for thread in receive_threads(pok_a, 55):
        services.change_status(thread, "archived")
    with django_assert_max_num_queries(few):
        anna_client.get(url, {"sort": "owner"})


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
    services.add_note(thread, anna, "note")
    url = reverse("threads:detail", args=[thread.public_id])
    few = queries(anna_client, url)
    for n in range(20):
        receive(pok_a, subject=subject, text=f"follow-up {n}", attachments=[(f"f{n}.txt", b"x", "text", "plain")])
        services.reply(thread, anna, f"answer {n}")
        services.add_note(thread, anna, f"note {n}")
    with django_assert_max_num_queries(few):
        page = anna_client.get(url).content.decode()
    assert "follow-up 19" in page and "answer 19" in page and "f19.txt" in page
