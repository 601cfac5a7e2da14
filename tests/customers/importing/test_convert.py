"""Row conversion: PrestaShop values (typed MySQL values or Webservice strings) to mirror values."""

import datetime
import decimal

from customers.importing.convert import RowConverter
from customers.importing.tables import TABLES
from tests.customers.importing.shop_data import SHOP_ZONE

SPECS = {spec.name: spec for spec in TABLES}


def convert(table: str, row: dict):
    obj, problems = RowConverter(SPECS[table], SHOP_ZONE)(row)
    return obj, {problem.column: problem.message for problem in problems}


def test_mysql_and_webservice_values_give_the_same_order_values():
    typed = {
        "id_order": 7,
        "total_paid_tax_incl": decimal.Decimal("12.500000"),
        "valid": 1,
        "date_add": datetime.datetime(2026, 3, 29, 2, 30),
        "date_upd": datetime.datetime(2026, 3, 29, 3, 0),
        "invoice_date": "0000-00-00 00:00:00",
        "reference": b"XKBKNABJK",
    }
    strings = {key: value.decode() if isinstance(value, bytes) else str(value) for key, value in typed.items()}
    from_mysql, problems_mysql = convert("orders", typed)
    from_api, problems_api = convert("orders", strings)
    for obj in (from_mysql, from_api):
        assert obj["id_order"] == 7 and obj["total_paid_tax_incl"] == decimal.Decimal("12.5") and obj["valid"] is True
        assert obj["invoice_date"] is None and obj["reference"] == "XKBKNABJK"
        assert obj["date_upd"] == datetime.datetime(2026, 3, 29, 3, 0, tzinfo=SHOP_ZONE)
    assert problems_mysql == problems_api == {}


def test_repaired_values_are_kept_and_reported():
    obj, problems = convert(
        "customer",
        {
            "id_customer": 3,
            "lastname": b"Kowal\xc5",
            "siret": "123456789012345678",
            "firstname": b"Jan\x00",
            "id_lang": "abc",
            "date_add": b"0000-00-00 00:00:00",
            "date_upd": "0000-00-00 00:00:00",
        },
    )
    assert obj["lastname"] == "Kowal\ufffd" and problems["lastname"].startswith("broken UTF-8")
    assert obj["siret"] == "12345678901234" and problems["siret"] == "longer than 14 characters, cut"
    assert obj["firstname"] == "Jan" and problems["firstname"] == "NUL characters removed"
    assert obj["id_lang"] == 0 and problems["id_lang"].startswith("not a number")
    assert obj["date_add"] == obj["date_upd"] == datetime.datetime(1970, 1, 1, tzinfo=SHOP_ZONE)
    assert problems["date_add"] == "zero or empty date, stored as 1970-01-01 00:00:00"


def test_null_text_and_nullable_ids():
    obj, problems = convert("address", {"id_address": 1, "id_customer": 5, "id_state": None, "company": None})
    assert obj["state_id"] is None and obj["company"] == "" and obj["customer_id"] == 5


def test_dates_as_mysqlclient_gives_them():
    obj, problems = convert(
        "orders",
        {
            "id_order": 1,
            "date_add": b"2026-03-29 02:30:00",
            "date_upd": b"0000-00-00 00:00:00",
            "invoice_date": b"2026-13-01 00:00:00",
            "delivery_date": b"2026-03-\xff9 00:00:00",
        },
    )
    assert obj["date_add"] == datetime.datetime(2026, 3, 29, 2, 30, tzinfo=SHOP_ZONE)
    assert obj["date_upd"] == obj["date_add"], "a zero required date takes the row's other date"
    assert (
        obj["invoice_date"] is None
        and problems["invoice_date"] == "not a date ('2026-13-01 00:00:00'), stored as empty"
    )
    assert obj["delivery_date"] is None and problems["delivery_date"].startswith("not a date ('2026-03-\ufffd9")


def test_decimals_as_mysqlclient_gives_them():
    obj, problems = convert(
        "orders", {"id_order": 1, "total_paid": b"12.500000", "total_paid_real": b"x1", "total_paid_tax_excl": b""}
    )
    assert obj["total_paid"] == decimal.Decimal("12.5") and "total_paid" not in problems
    assert obj["total_paid_real"] == 0 and problems["total_paid_real"] == "not a number ('x1'), stored as 0"
    assert obj["total_paid_tax_excl"] == 0 and "total_paid_tax_excl" not in problems
