"""customers.bulk.upsert_rows: what it writes and what it leaves alone, on both databases."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from customers.bulk import upsert_rows
from customers.models import Order

pytestmark = pytest.mark.django_db(transaction=True)

MOMENT = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def order(id_order: int, state: int = 2) -> dict:
    values = {field.attname: field.get_default() for field in Order._meta.concrete_fields}
    values |= {"id_order": id_order, "reference": f"REF{id_order}", "current_state_id": state}
    values |= {"total_paid_tax_incl": Decimal("10.500000"), "date_add": MOMENT, "date_upd": MOMENT}
    return values


def test_upsert_counts_the_rows_it_writes_and_leaves_equal_rows_alone():
    assert upsert_rows(Order, [order(1), order(2), order(3)]) == 3
    assert upsert_rows(Order, [order(1), order(2, state=4), order(3), order(4)]) == 2  # 2 changed, 4 new
    assert upsert_rows(Order, [order(1)]) == 0
    assert upsert_rows(Order, [order(1, state=5)]) == 1
    assert dict(Order.objects.values_list("id_order", "current_state_id")) == {1: 5, 2: 4, 3: 2, 4: 2}


def test_new_rows_are_copied_straight_in_and_a_known_key_is_refused_on_postgresql():
    assert upsert_rows(Order, [order(1), order(2)], new=True) == 2
    assert Order.objects.count() == 2
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            upsert_rows(Order, [order(2, state=4), order(3)], new=True)
        assert Order.objects.count() == 2, "the refused batch left nothing"
    else:  # SQLite has no COPY: the same merge as always
        assert upsert_rows(Order, [order(2, state=4), order(3)], new=True) == 2
