import io

import pytest
from django.core.management import call_command
from django.db.models.functions import Lower

from customers.models import Address, Carrier, Customer, Order, OrderCarrier, OrderDetail, OrderHistory, OrderState
from pok.models import Pok
from threads.models import Attachment, Direction, Message, Status, Thread, ThreadEvent

pytestmark = pytest.mark.django_db

TABLES = [
    Customer,
    Address,
    Order,
    OrderDetail,
    OrderHistory,
    OrderCarrier,
    Pok,
    Thread,
    Message,
    ThreadEvent,
    Attachment,
]


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


def test_seed_demo_counts_and_idempotence():
    call_command("seed_demo", customers=400, stdout=io.StringIO())
    first = counts()
    assert first["Customer"] == 400
    assert first["Address"] == 400
    assert first["Order"] > 300
    assert first["OrderDetail"] >= first["Order"]
    assert first["Pok"] == 2
    assert first["Thread"] == 8
    assert first["Attachment"] == 1
    call_command("seed_demo", customers=400, stdout=io.StringIO())
    assert counts() == first
    call_command("seed_demo", customers=500, stdout=io.StringIO())
    assert Customer.objects.count() == 500
    assert Pok.objects.count() == 2


def test_demo_data_is_realistic():
    call_command("seed_demo", customers=200, stdout=io.StringIO())
    shared = Customer.objects.alias(e=Lower("email")).filter(e="jan.kowalski@example.com")
    assert shared.count() == 2 and shared.filter(is_guest=True).count() == 1
    cities = set(Address.objects.values_list("city", flat=True))
    assert {"Łódź", "Kraków"} <= cities
    assert Customer.objects.filter(lastname__in=["Zażółć", "Gęś"]).exists()
    phones = set(Address.objects.values_list("phone", flat=True))
    assert {"+48 600 100 200", "600-100-200", "600100201"} <= phones
    assert Address.objects.filter(vat_number="PL 123-456-32-18").exists()
    assert OrderState.objects.filter(paid=True).exists() and Carrier.objects.exclude(url="").exists()
    assert OrderCarrier.objects.exclude(tracking_number="").exists()
    assert set(Thread.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Message.objects.values_list("direction", flat=True)) == set(Direction.values)
    assert ThreadEvent.objects.filter(kind="assigned").exists()
    for pok in Pok.objects.all():
        assert pok.staff.exists()


def test_demo_customers_are_searchable():
    from search.selectors import search_customers

    call_command("seed_demo", customers=60, stdout=io.StringIO())
    found = search_customers("lodz kowalski").customers
    assert [c.email for c in found] == ["jan.kowalski@example.com"]
    call_command("seed_demo", customers=90, stdout=io.StringIO())
    assert search_customers("zazolc").customers
    from search.models import CustomerIndexEntry

    assert CustomerIndexEntry.objects.count() == 90
