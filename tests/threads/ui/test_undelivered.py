"""Undelivered replies are visible everywhere, and flash messages tell what really happened."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import receive, receive_threads
from threads import services
from threads.models import Delivery, Message, Status


def fail(reply, retry_at=None):
    Message.objects.filter(pk=reply.pk).update(
        delivery=Delivery.FAILED, failure="unreachable", next_attempt_at=retry_at
    )
    services.settle_delivery(Message.objects.get(pk=reply.pk))


@pytest.fixture
def mixed(pok_a, anna):
    """Four threads: one with a failed reply, one with a reply still queued, one answered, one untouched."""
    failed, queued, answered, untouched = receive_threads(pok_a, 4)
    fail(services.reply(failed, author=anna, text="lost", then_status=Status.ARCHIVED))
    services.reply(queued, author=anna, text="on its way", then_status=Status.WAITING)
    delivered = services.reply(answered, author=anna, text="done", then_status=Status.WAITING)
    Message.objects.filter(pk=delivered.pk).update(delivery=Delivery.SENT)
    services.settle_delivery(Message.objects.get(pk=delivered.pk))
    return {"failed": failed, "queued": queued, "answered": answered, "untouched": untouched}


def test_overview_panel_and_chips_count_the_undelivered(anna_client, mixed, pok_a):
    page = anna_client.get(reverse("overview")).content.decode()
    panel = re.search(r'data-testid="panel-undelivered">(.*?)</dd>', page).group(1)
    assert f'href="{reverse("threads:inbox", args=[pok_a.pk])}?undelivered=on">2</a>' in panel
    assert re.search(r'data-testid="chip-undelivered"[^>]*>✗ 2 undelivered<', page)
    inbox = anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    assert re.search(r'data-testid="chip-undelivered"[^>]*>✗ 2 undelivered<', inbox), (
        "the chips in the header of every page"
    )


def test_no_undelivered_chip_when_all_went_out(anna_client, pok_a):
    receive(pok_a)
    page = anna_client.get(reverse("overview")).content.decode()
    assert "chip-undelivered" not in page and 'data-testid="panel-undelivered">0<' in page


def test_undelivered_filter_and_marked_rows(anna_client, mixed, pok_a):
    url = reverse("threads:inbox", args=[pok_a.pk])
    everything = anna_client.get(url).content.decode()
    assert everything.count("thread-undelivered") == 2
    assert ">not delivered</span>" in everything and ">sending</span>" in everything
    only = anna_client.get(url, {"undelivered": "on"})
    tokens = [row.record.token for row in only.context["table"].page.object_list]
    assert sorted(tokens) == sorted([mixed["failed"].token, mixed["queued"].token])


def test_my_threads_show_the_authors_undelivered_replies(pok_a, anna, mixed):
    """Ewa answered a thread Anna owns; the reply failed: Ewa sees it on her "My threads"."""
    ewa = make_staff("ewa", pok_a)
    owned_by_anna = mixed["untouched"]
    services.assign_owner(owned_by_anna, owner=anna)
    fail(services.reply(owned_by_anna, author=ewa, text="from Ewa", then_status=Status.WAITING))
    client = Client()
    client.force_login(ewa)
    response = client.get(reverse("threads:mine"))
    tokens = [row.record.token for row in response.context["table"].page.object_list]
    assert tokens == [owned_by_anna.token]
    page = response.content.decode()
    assert "1 reply you wrote is not delivered yet." in page
    polish = client.get(reverse("threads:mine"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "1 napisana przez ciebie odpowiedź nie została jeszcze dostarczona." in polish


def test_my_threads_query_count_is_fixed(anna_client, pok_a, anna, django_assert_max_num_queries):
    for thread in receive_threads(pok_a, 3):
        fail(services.reply(thread, author=anna, text="x", then_status=Status.WAITING))
    url = reverse("threads:mine")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        anna_client.get(url)
    for thread in receive_threads(pok_a, 30):
        fail(services.reply(thread, author=anna, text="x", then_status=Status.WAITING))
    with django_assert_max_num_queries(len(few)):
        page = anna_client.get(url).content.decode()
    assert "33 replies you wrote are not delivered yet." in page
