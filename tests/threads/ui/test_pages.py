"""Login, overview, navigation header and the thread lists (spec 5 to 7)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import receive, receive_threads
from threads import services
from threads.models import Status, Thread


def subjects_in_order(response) -> list[str]:
    return re.findall(r">(Question \d{3})</a>", response.content.decode())


def test_login_page_logs_staff_in_and_goes_to_the_overview(client, anna):
    assert "Log in" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": "anna", "password": "pass-anna"})
    assert response.status_code == 302 and response["Location"] == reverse("overview")


def test_login_refuses_an_account_that_is_not_staff(client, db):
    get_user_model().objects.create_user("visitor", password="pass-visitor")
    response = client.post(reverse("login"), {"username": "visitor", "password": "pass-visitor"})
    assert response.status_code == 200
    assert "not a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_send_visitors_to_the_login_page(client, pok_a):
    response = client.get(reverse("threads:inbox", args=[pok_a.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_overview_has_a_panel_per_pok_of_the_user_with_counts(anna_client, pok_a, pok_b, anna):
    threads = receive_threads(pok_a, 4)
    services.change_status(threads[0], status=Status.WAITING)
    services.change_status(threads[1], status=Status.ARCHIVED)
    receive_threads(pok_b, 2)
    response = anna_client.get(reverse("overview"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Shop A" in page and "Shop B" not in page
    panel = page[page.index('<article class="pok-panel') :]
    assert re.search(r'class="count-new">2<', panel)
    assert re.search(r'class="count-waiting">1<', panel)
    assert re.search(r'class="count-archived">1<', panel)
    for name in ("threads:inbox", "threads:archive", "threads:new"):
        assert reverse(name, args=[pok_a.pk]) in panel
    assert 'id="customer-search-q"' in page  # the search box of spec 6.2


def test_navigation_header_on_every_page_has_back_overview_and_pok_counts(anna_client, pok_a):
    thread = receive(pok_a).thread
    for url in (
        reverse("overview"),
        reverse("threads:inbox", args=[pok_a.pk]),
        reverse("threads:detail", args=[thread.public_id]),
    ):
        page = anna_client.get(url).content.decode()
        nav = page[page.index('class="topbar"') : page.index("</header>")]
        assert "data-back" in nav and f'href="{reverse("overview")}"' in nav
        assert "Shop A" in nav and re.search(r'count-new"[^>]*>1 new<', nav)
        assert "Customer service" in nav


def test_superusers_get_a_link_to_the_admin_and_the_admin_links_back(client, pok_a, anna):
    admin = make_staff("root", superuser=True)
    client.force_login(admin)
    assert reverse("admin:index") in client.get(reverse("overview")).content.decode()
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("overview")}"' in admin_page
    client.force_login(anna)
    assert reverse("admin:index") not in client.get(reverse("overview")).content.decode()


def test_inbox_lists_new_and_waiting_oldest_first_archive_newest_first(anna_client, pok_a):
    threads = receive_threads(pok_a, 4)
    services.change_status(threads[1], status=Status.WAITING)
    services.change_status(threads[2], status=Status.ARCHIVED)
    services.change_status(threads[3], status=Status.ARCHIVED)
    inbox = anna_client.get(reverse("threads:inbox", args=[pok_a.pk]))
    assert subjects_in_order(inbox) == ["Question 000", "Question 001"]
    archive = anna_client.get(reverse("threads:archive", args=[pok_a.pk]))
    assert subjects_in_order(archive) == ["Question 003", "Question 002"]


def test_list_columns_link_sender_to_the_card_and_subject_to_the_thread(anna_client, pok_a, anna):
    thread = receive(pok_a, sender="Zofia Zażółć <Zofia@Example.com>", subject="Broken mug").thread
    services.assign_owner(thread, owner=anna)
    page = anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    assert f"{reverse('customer_card')}?email=zofia%40example.com" in page
    assert reverse("threads:detail", args=[thread.public_id]) in page
    assert "Zofia Zażółć" in page and "bok@shop-a.example" in page and "Anna Nowak" in page
    assert thread.token in page and "new" in page


@pytest.mark.parametrize("column", ["last_message_at", "sender", "recipient", "subject", "owner", "status"])
def test_every_column_sorts_both_ways(anna_client, pok_a, column):
    receive_threads(pok_a, 3)
    url = reverse("threads:inbox", args=[pok_a.pk])
    up = anna_client.get(url, {"sort": column})
    down = anna_client.get(url, {"sort": f"-{column}"})
    assert up.status_code == down.status_code == 200
    assert len(subjects_in_order(up)) == 3


def test_sorting_by_subject_and_sender_orders_the_rows(anna_client, pok_a):
    receive(pok_a, sender="b@example.com", subject="Question 002")
    receive(pok_a, sender="c@example.com", subject="Question 001")
    receive(pok_a, sender="a@example.com", subject="Question 003")
    url = reverse("threads:inbox", args=[pok_a.pk])
    assert subjects_in_order(anna_client.get(url, {"sort": "subject"})) == [
        "Question 001",
        "Question 002",
        "Question 003",
    ]
    assert subjects_in_order(anna_client.get(url, {"sort": "-subject"})) == [
        "Question 003",
        "Question 002",
        "Question 001",
    ]
    assert subjects_in_order(anna_client.get(url, {"sort": "sender"})) == [
        "Question 003",
        "Question 002",
        "Question 001",
    ]


def test_lists_are_paginated(anna_client, pok_a):
    receive_threads(pok_a, 55)
    url = reverse("threads:inbox", args=[pok_a.pk])
    first = anna_client.get(url)
    second = anna_client.get(url, {"page": 2})
    assert len(subjects_in_order(first)) == 50
    assert subjects_in_order(second) == [f"Question {n:03d}" for n in range(50, 55)]
    assert "55 threads" in first.content.decode()


def test_threads_with_problems_or_failed_replies_are_marked(anna_client, pok_a):
    _fine, broken, failed = receive_threads(pok_a, 3)
    Thread.objects.filter(pk=broken.pk).update(has_problem=True)
    Thread.objects.filter(pk=failed.pk).update(has_failed_delivery=True)
    page = anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    rows = {subject: row for row in page.split("<tr")[1:] for subject in re.findall(r"Question \d{3}", row)}
    assert "thread-problem" not in rows["Question 000"]
    assert "thread-problem" in rows["Question 001"] and "could not be read" in rows["Question 001"]
    assert "thread-problem" in rows["Question 002"] and "failed to send" in rows["Question 002"]


def test_new_thread_page_has_the_form_of_spec_10(anna_client, pok_a):
    page = anna_client.get(reverse("threads:new", args=[pok_a.pk])).content.decode()
    for field in ('name="recipient"', 'name="subject"', 'name="text"', 'name="files"', "multiple"):
        assert field in page
    assert 'value="archive"' in page and 'value="wait"' in page
    assert "Send and archive" in page and "Send and wait" in page
