"""Canned replies in the reply form and the collision warning of the thread page."""

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from customers.demo import seed_shop
from customers.models import Customer, Order
from tests.factories import make_staff
from tests.threads.ui.mails import receive
from threads.models import CannedReply, ThreadPresence


@pytest.fixture
def replies(db):
    return {
        "status": CannedReply.objects.create(
            name="Order status", language="pl", text="Dzień dobry {first_name}, zamówienie {last_order} ({thread_id})."
        ),
        "english": CannedReply.objects.create(name="Hello", language="en", text="Hello {first_name}"),
    }


def test_reply_form_offers_the_canned_replies_of_the_poks_language(anna_client, pok_a, replies):
    thread = receive(pok_a).thread
    page = anna_client.get(reverse("threads:detail", args=[thread.public_id])).content.decode()
    assert reverse("threads:canned", args=[thread.public_id, replies["status"].pk]) in page
    assert ">Order status</option>" in page
    assert ">Hello</option>" not in page


def test_no_canned_replies_no_menu(anna_client, pok_a):
    thread = receive(pok_a).thread
    assert (
        "data-canned-into" not in anna_client.get(reverse("threads:detail", args=[thread.public_id])).content.decode()
    )


def test_canned_reply_comes_filled_in_for_the_thread(anna_client, pok_a, replies):
    seed_shop(5)
    alone = Customer.objects.values("email").annotate(n=Count("pk")).filter(n=1).values("email")
    customer = Customer.objects.filter(email__in=alone, orders__isnull=False).order_by("pk").first()
    thread = receive(pok_a, sender=f"Someone <{customer.email.upper()}>").thread
    newest = Order.objects.filter(customer__email=customer.email).order_by("-date_add").first()
    response = anna_client.get(reverse("threads:canned", args=[thread.public_id, replies["status"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        response.content.decode()
        == f"Dzień dobry {customer.firstname}, zamówienie {newest.reference} ({thread.token})."
    )


def test_canned_reply_of_another_language_is_not_offered(anna_client, pok_a, replies):
    thread = receive(pok_a).thread
    response = anna_client.get(reverse("threads:canned", args=[thread.public_id, replies["english"].pk]))
    assert response.status_code == 404


def test_canned_reply_of_a_foreign_thread_is_refused(client, bob, pok_a, replies):
    thread = receive(pok_a).thread
    client.force_login(bob)
    assert client.get(reverse("threads:canned", args=[thread.public_id, replies["status"].pk])).status_code == 404


def poll(client, thread, **data):
    return client.post(reverse("threads:presence", args=[thread.public_id]), data)


@pytest.fixture
def piotr_client(pok_a):
    client = Client()
    client.force_login(make_staff("piotr", pok_a))
    return client


def test_the_other_sees_who_is_viewing_and_who_is_writing(anna_client, piotr_client, pok_a):
    thread = receive(pok_a).thread
    alone = poll(anna_client, thread, replying="0")
    assert alone.status_code == 200 and alone.content.decode().strip() == ""

    viewing = poll(piotr_client, thread, replying="0").content.decode()
    assert "Anna Nowak is also viewing this thread" in viewing and "presence-writing" not in viewing

    poll(anna_client, thread, replying="1")
    writing = poll(piotr_client, thread, replying="0").content.decode()
    assert "Anna Nowak is writing a reply" in writing and "presence-writing" in writing
    assert "piotr is also viewing this thread" in poll(anna_client, thread, replying="1").content.decode()

    poll(anna_client, thread, leaving="1")
    assert poll(piotr_client, thread).content.decode().strip() == ""


def test_presence_of_a_foreign_thread_is_refused_and_not_recorded(client, bob, pok_a):
    thread = receive(pok_a).thread
    client.force_login(bob)
    assert poll(client, thread, replying="1").status_code == 404
    assert client.get(reverse("threads:presence", args=[thread.public_id])).status_code == 405
    assert not ThreadPresence.objects.exists()


def test_thread_page_polls_its_presence(anna_client, pok_a):
    thread = receive(pok_a).thread
    page = anna_client.get(reverse("threads:detail", args=[thread.public_id])).content.decode()
    assert f'hx-post="{reverse("threads:presence", args=[thread.public_id])}"' in page
    assert 'hx-trigger="load, every 10s, typing-started"' in page
