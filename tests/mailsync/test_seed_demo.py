import io

import pytest
from django.contrib.auth import get_user_model
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
    assert set(get_user_model().objects.values_list("email", flat=True)) == {
        "demo@crm-demo.example",
        "anna@crm-demo.example",
        "john@crm-demo.example",
    }, "staff have addresses for digests and notices"
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


def test_demo_history_reads_in_step_with_its_backdated_mail():
    from datetime import timedelta

    from django.utils import timezone

    call_command("seed_demo", customers=50, stdout=io.StringIO())
    a_day_ago = timezone.now() - timedelta(days=1)
    for thread in Thread.objects.all():
        dates = sorted(thread.messages.values_list("date", flat=True))
        events = list(thread.events.values_list("created_at", flat=True))
        assert thread.created_at == dates[0], thread.subject
        customer_dates = thread.messages.filter(direction=Direction.INCOMING).values_list("date", flat=True)
        assert thread.last_customer_at == max(customer_dates), "the customer waits since their mail's date"
        assert events and all(dates[0] <= at <= dates[-1] + timedelta(hours=6) for at in events), thread.subject
        assert all(at < a_day_ago for at in events + dates), thread.subject
