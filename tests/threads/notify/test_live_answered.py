"""The live poll tells a page with browser notifications on which of the user's threads a customer answered
since the last one it saw: the user's own threads only, a fixed number of queries, bad stamps refused."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.preferences import choose_browser_notifications
from tests.factories import make_pok, make_staff
from tests.threads.ui.mails import receive
from threads.models import Status, Thread


@pytest.fixture
def pok(db):
    return make_pok(name="Sklep")


@pytest.fixture
def anna(pok):
    user = make_staff("anna", pok)
    choose_browser_notifications(user, choice="on")
    return user


@pytest.fixture
def anna_client(client, anna):
    client.force_login(anna)
    return client


def answered(client, after: float) -> list[dict]:
    response = client.get(reverse("threads:live"), {"since": "", "answered_after": f"{after:.6f}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="live-answered"' in html
    return [
        dict(re.findall(r'data-(\w+)="([^"]*)"', item)) for item in re.findall(r"<li (.*?)></li>", html, flags=re.S)
    ]


def owned(pok, user, subject):
    message = receive(pok, subject=subject, sender="Jan Kowalski <jan@example.com>")
    Thread.objects.filter(pk=message.thread_id).update(owner=user)
    return message.thread


def test_only_the_users_own_threads_answered_after_the_stamp(anna_client, anna, pok):
    before = time.time() - 1
    old = owned(pok, anna, "Earlier")
    stamp = Thread.objects.get(pk=old.pk).last_customer_at.timestamp()
    mine = owned(pok, anna, "Broken zipper")
    owned(pok, make_staff("piotr", pok), "Not hers")
    receive(pok, subject="Nobody's")
    spam = owned(pok, anna, "Pills")
    Thread.objects.filter(pk=spam.pk).update(status=Status.SPAM)

    items = answered(anna_client, stamp)
    assert [item["url"] for item in items] == [reverse("threads:detail", args=[mine.public_id])]
    [item] = items
    assert item["title"] == f"{mine.token} Broken zipper"
    assert item["body"] == "Jan Kowalski answered a thread you own."
    assert float(item["at"]) > stamp
    assert len(answered(anna_client, before)) == 2
    assert answered(anna_client, float(item["at"])) == []


def test_the_answer_costs_one_query_whatever_the_number_of_threads(anna_client, anna, pok):
    before = time.time() - 1
    owned(pok, anna, "One")
    anna_client.get(reverse("threads:live"))
    with CaptureQueriesContext(connection) as plain:
        anna_client.get(reverse("threads:live"), {"since": ""})
    with CaptureQueriesContext(connection) as one:
        answered(anna_client, before)
    assert len(one.captured_queries) == len(plain.captured_queries) + 1
    for n in range(30):
        owned(pok, anna, f"Question {n}")
    with CaptureQueriesContext(connection) as many:
        assert len(answered(anna_client, before)) == 5  # the newest few: a burst is not thirty notifications
    assert len(many.captured_queries) == len(one.captured_queries)


def test_without_the_stamp_nothing_is_listed(anna_client):
    response = anna_client.get(reverse("threads:live"), {"since": ""})
    assert 'id="live-answered"' not in response.content.decode()


@pytest.mark.parametrize("stamp", ["nan", "inf", "-inf", "1e400", "abc", "9" * 40, "1\x00"])
def test_a_bad_stamp_is_refused(anna_client, stamp):
    response = anna_client.get(reverse("threads:live"), {"since": "", "answered_after": stamp})
    assert response.status_code == 400
