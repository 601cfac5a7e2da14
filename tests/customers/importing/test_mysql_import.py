"""import_prestashop against a real MariaDB holding PrestaShop 8 tables."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import Address, Customer, ImportState, Order, OrderCarrier, OrderDetail
from tests.customers.importing.conftest import make_shop
from tests.customers.importing.mirror import expected_content, mirror_content
from tests.customers.importing.shop_data import SHOP_ZONE, ZERO, ago, customer, detail, order, order_carrier

pytestmark = pytest.mark.django_db


def run_import(settings, url: str, *args: str, fails_with: str = "") -> tuple[str, str]:
    settings.CRM_PRESTASHOP_DB_URL = url
    out, err = StringIO(), StringIO()
    if fails_with:
        with pytest.raises(CommandError, match=fails_with):
            call_command("import_prestashop", "--batch-size=2", *args, stdout=out, stderr=err)
    else:
        call_command("import_prestashop", "--batch-size=2", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def shop_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHOP_ZONE)


def expected_after_repairs(rows: dict) -> dict:
    expected = expected_content(rows)
    expected["customer"][(3,)]["lastname"] = "Kowal\ufffd"  # broken UTF-8 kept, with a replacement character
    customer_4 = expected["customer"].get((4,))
    if customer_4:  # zero date_add (NOT NULL) falls back to the row's date_upd
        customer_4["date_add"] = customer_4["date_upd"]
    return expected


@pytest.fixture(params=["mysqlclient", "PyMySQL"])
def driver(request, monkeypatch):
    """Both drivers the shop source speaks: mysqlclient when installed, PyMySQL otherwise."""
    from customers.importing import mysql_source

    if request.param == "PyMySQL":
        monkeypatch.setattr(mysql_source, "MySQLdb", None)
    else:
        assert mysql_source.MySQLdb is not None, "the test extra installs mysqlclient"
    return request.param


def test_full_import_mirrors_every_row_and_reports_the_nasty_ones(shop, import_settings, driver):
    out, err = run_import(import_settings, shop.url)

    assert mirror_content() == expected_after_repairs(shop.rows)
    assert "WARNING ps_customer: id 3, column lastname: broken UTF-8, imported with replacement characters" in err
    assert "WARNING ps_customer: id 4, column date_add: zero or empty date, stored as" in err
    assert "ps_address: 5 read, 4 written, 1 skipped" in out
    assert "Import finished" in out
    # The cases spelled out, beyond the generic comparison:
    assert not Address.objects.filter(customer_id=0).exists()
    assert Address.objects.get(pk=2).deleted is True
    first = Order.objects.get(pk=1)
    assert first.delivery_date is None and first.invoice_date == shop_time(ago(5))
    orphan = Order.objects.select_related("customer").get(pk=3)
    assert orphan.customer_id == 99 and orphan.customer is None
    same_email = Customer.objects.filter(email__iexact="jan.kowalski@example.pl")
    assert sorted(same_email.values_list("is_guest", flat=True)) == [False, True]
    assert Customer.objects.get(pk=4).birthday is None
    assert ImportState.objects.get(table="customer").mark == shop_time(ago(10))
    assert ImportState.objects.get(table="orders").mark == shop_time(ago(4))


def test_incremental_run_reads_changes_and_full_run_removes_deleted_rows(shop, import_settings):
    run_import(import_settings, shop.url)
    rows = shop.rows

    # Changed after the first run:
    shop.execute("UPDATE ps_customer SET email = 'jan@example.pl', date_upd = %s WHERE id_customer = 1", [ago(0)])
    rows["customer"][0].update(email="jan@example.pl", date_upd=ago(0))
    # A late commit: changed 5 minutes before the mark, inside the 10-minute overlap.
    shop.execute("UPDATE ps_customer SET firstname = 'Janek', date_upd = %s WHERE id_customer = 2", [ago(10, 5)])
    rows["customer"][1].update(firstname="Janek", date_upd=ago(10, 5))
    new_customer = customer(5, "Ewa", "Zielinska", "ewa@example.pl", date_add=ago(0), date_upd=ago(0))
    new_order = order(
        5,
        "NEWORDER1",
        5,
        carrier=2,
        address=1,
        state=2,
        date_add=ago(0),
        date_upd=ago(0),
        invoice_date=ZERO,
        delivery_date=ZERO,
        total="99.000000",
    )
    new_rows = {
        "customer": new_customer,
        "orders": new_order,
        "order_detail": detail(6, 5, 14, "Dzbanek", "JUG", 1, "99.000000"),
        "order_carrier": order_carrier(5, 5, 2, "", ago(0)),
    }
    for table, row in new_rows.items():
        insert(shop, table, row)
        rows[table].append(row)
    # Tracking numbers saved without touching ps_orders.date_upd: order 1 is recent, order 2 is not.
    shop.execute("UPDATE ps_order_carrier SET tracking_number = 'INPOST123' WHERE id_order_carrier = 1")
    shop.execute("UPDATE ps_order_carrier SET tracking_number = 'NEW456' WHERE id_order_carrier = 2")
    rows["order_carrier"][0]["tracking_number"] = "INPOST123"
    # Hard deletions:
    shop.execute("DELETE FROM ps_customer WHERE id_customer = 4")
    shop.execute("DELETE FROM ps_address WHERE id_address = 5")
    shop.execute("DELETE FROM ps_order_detail WHERE id_order_detail = 2")

    out, err = run_import(import_settings, shop.url)

    assert Customer.objects.get(pk=1).email == "jan@example.pl"
    assert Customer.objects.get(pk=2).firstname == "Janek"
    assert Customer.objects.filter(pk=5).exists() and OrderDetail.objects.filter(order_id=5).count() == 1
    assert OrderCarrier.objects.get(pk=1).tracking_number == "INPOST123"
    assert (
        OrderCarrier.objects.get(pk=2).tracking_number == "OLD123"
    )  # old order, date_upd untouched: a known blind spot
    # Deletions wait for --full:
    assert Customer.objects.filter(pk=4).exists()
    assert Address.objects.filter(pk=5).exists() and OrderDetail.objects.filter(pk=2).exists()
    assert "ps_customer: 3 read, 3 written" in out  # customers 1, 2 (overlap) and 5 only
    assert ImportState.objects.get(table="customer").mark == shop_time(ago(0))

    run_import(import_settings, shop.url, "--full")

    rows["order_carrier"][1]["tracking_number"] = "NEW456"
    for table, key_column, key in (
        ("customer", "id_customer", 4),
        ("address", "id_address", 5),
        ("order_detail", "id_order_detail", 2),
    ):
        rows[table] = [row for row in rows[table] if row[key_column] != key]
    assert mirror_content() == expected_after_repairs(rows)


def test_interrupted_run_keeps_whole_batches_and_the_next_run_resumes(shop, import_settings):
    from customers.importing.errors import SourceUnavailable
    from customers.importing.importer import Importer, Options
    from customers.importing.mysql_source import MySqlSource
    from customers.importing.report import Report
    from customers.importing.tables import TABLES

    class FailingAfterTwoBatches(MySqlSource):
        def read(self, spec, since):
            for number, rows in enumerate(super().read(spec, since)):
                if spec.name == "customer" and number == 2:
                    raise SourceUnavailable("connection lost")
                yield rows

    lines = []
    options = Options(zone=SHOP_ZONE, now=datetime.datetime.now(datetime.UTC), batch_size=1)
    customer_table = [spec for spec in TABLES if spec.name == "customer"]
    with pytest.raises(SourceUnavailable), FailingAfterTwoBatches(shop.url, batch_size=1) as source:
        Importer(source, options, Report(lines.append, lines.append)).run(customer_table)

    # Customers come by date_upd: 3 (30 days ago) and 2 (20 days ago) were committed, with their mark.
    assert sorted(Customer.objects.values_list("pk", flat=True)) == [2, 3]
    assert ImportState.objects.get(table="customer").mark == shop_time(ago(20))

    run_import(import_settings, shop.url)
    assert sorted(Customer.objects.values_list("pk", flat=True)) == [1, 2, 3, 4]


def test_older_shop_missing_a_column_and_a_table_imports_the_rest(mariadb, import_settings):
    shop = make_shop(mariadb, prefix="shop_", skip=("currency",))
    shop.execute("ALTER TABLE shop_orders DROP COLUMN note")
    import_settings.CRM_PRESTASHOP_TABLE_PREFIX = "shop_"

    out, err = run_import(import_settings, shop.url, fails_with="1 table")

    assert "ERROR shop_currency: table shop_currency does not exist in the shop database" in err
    assert "WARNING shop_orders: column(s) note missing in the shop" in err
    assert Order.objects.count() == 4 and Order.objects.get(pk=4).note == ""
    assert Customer.objects.count() == 4


@pytest.mark.parametrize(
    "url_of, expected",
    [
        (lambda server: f"mysql://root:s3cret-pass@127.0.0.1:{server.port}/nosuchdb", "Access denied"),
        (lambda server: "mysql://root:s3cret-pass@127.0.0.1:1/shop", "Can't connect"),
        (lambda server: "postgres://somewhere/shop", "must look like mysql://"),
    ],
)
def test_unusable_database_gives_one_line_naming_the_setting(mariadb, import_settings, url_of, expected):
    with pytest.raises(CommandError) as raised:
        run_import(import_settings, url_of(mariadb))
    message = str(raised.value)
    assert "CRM_PRESTASHOP_DB_URL" in message and expected in message
    assert "\n" not in message and "s3cret-pass" not in message


def insert(shop, table: str, row: dict) -> None:
    from tests.customers.importing.prestashop_schema import insert_rows

    with shop.server.connect(shop.database) as connection:
        insert_rows(connection, f"ps_{table}", [row])


def test_a_rerun_reads_the_overlap_and_recent_orders_but_writes_nothing(shop, import_settings):
    run_import(import_settings, shop.url)
    content = mirror_content()

    out, _ = run_import(import_settings, shop.url)

    assert mirror_content() == content
    for table in ("ps_order_detail", "ps_order_history", "ps_order_carrier"):  # re-read for the recent orders
        line = next(line for line in out.splitlines() if line.startswith(f"{table}:"))
        assert " 0 written, " in line and " unchanged" in line, line
    assert ", 0 written, " in out.splitlines()[-2], "the summary says nothing was written"


def test_a_key_that_comes_twice_into_an_empty_table_is_merged(shop, import_settings):
    """A first import COPYs into the empty table; a source repeating a row (a Webservice paging while
    rows change) makes that batch fail, and it is stored again row by row with the merge."""
    from customers.importing.importer import Importer, Options
    from customers.importing.mysql_source import MySqlSource
    from customers.importing.report import Report
    from customers.importing.tables import TABLES

    class Repeating(MySqlSource):
        def read(self, spec, since):
            for rows in super().read(spec, since):
                yield rows
                yield rows

    lines = []
    options = Options(zone=SHOP_ZONE, now=datetime.datetime.now(datetime.UTC), batch_size=2)
    customer_table = [spec for spec in TABLES if spec.name == "customer"]
    with Repeating(shop.url, batch_size=2) as source:
        report = Report(lines.append, lines.append)
        Importer(source, options, report).run(customer_table)

    assert mirror_content()["customer"] == expected_after_repairs(shop.rows)["customer"]
    stats = report.stats["ps_customer"]
    assert (stats.read, stats.written, stats.unchanged, stats.skipped) == (8, 4, 4, 0)
