import pytest

from customers.demo import seed_shop
from customers.models import Order
from tests.factories import make_staff
from threads import canned, presence, services
from threads.models import CannedReply

pytestmark = pytest.mark.django_db


def test_canned_reply_placeholders(pok):
    seed_shop(5)
    thread = services.create_thread(
        pok, subject="Paczka", customer_email="JAN.KOWALSKI@example.com", customer_name="Jan K."
    )
    reply = CannedReply.objects.create(
        name="Status",
        language="pl",
        text="Dzień dobry {first_name}, sprawa {thread_id}, zamówienie {last_order}. {unknown}",
    )
    newest = Order.objects.filter(customer_id__in=[1, 2]).order_by("-date_add").first()
    assert (
        canned.fill(reply, thread)
        == f"Dzień dobry Jan, sprawa {thread.token}, zamówienie {newest.reference}. {{unknown}}"
    )
    assert list(canned.available_for(thread)) == [reply]
    CannedReply.objects.create(name="EN", language="en", text="Hello")
    assert list(canned.available_for(thread)) == [reply]


def test_canned_reply_without_shop_customer(pok):
    thread = services.create_thread(pok, subject="x", customer_email="stranger@example.org", customer_name="Ola Nowak")
    reply = CannedReply.objects.create(name="Hi", language="pl", text="Cześć {first_name}{last_order}")
    assert canned.fill(reply, thread) == "Cześć Ola"


def test_presence_shows_who_else_is_writing(pok):
    thread = services.create_thread(pok, subject="x", customer_email="a@example.org")
    anna, piotr = make_staff("anna", pok), make_staff("piotr", pok)
    assert presence.touch(thread, anna, replying=False) == []
    others = presence.touch(thread, piotr, replying=True)
    assert [(p.user.username, p.replying) for p in others] == [("anna", False)]
    others = presence.touch(thread, anna, replying=False)
    assert [(p.user.username, p.replying) for p in others] == [("piotr", True)]
    presence.leave(thread, piotr)
    assert presence.touch(thread, anna, replying=False) == []
