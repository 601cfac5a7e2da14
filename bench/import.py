"""Benchmark: import_prestashop from MariaDB into PostgreSQL.

100,000 customers (one address each) and 300,000 orders (one row, one history
entry and one carrier row each) in PrestaShop 8 tables in a throwaway MariaDB,
imported into a throwaway PostgreSQL: prints rows/s of the full import and the
seconds of an incremental run after 1% of customers and orders changed.

    /tmp/venv/bin/python bench/import.py [--customers N] [--orders N]
"""

import argparse
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.importer.prestashop_schema import create_tables  # noqa: E402
from tests.servers.mariadb import start_mariadb  # noqa: E402
from tests.servers.postgres import start_postgres  # noqa: E402

REFERENCE_ROWS = [
    "INSERT INTO ps_lang (id_lang, name, active, iso_code, language_code, locale) VALUES (1, 'Polski', 1, 'pl', 'pl-pl', 'pl-PL')",
    "INSERT INTO ps_currency (id_currency, name, iso_code, conversion_rate) VALUES (1, 'złoty', 'PLN', 1)",
    "INSERT INTO ps_country (id_country, id_zone, iso_code, call_prefix, active, display_tax_label) VALUES (14, 1, 'PL', 48, 1, 1)",
    "INSERT INTO ps_country_lang VALUES (14, 1, 'Polska')",
    "INSERT INTO ps_order_state (id_order_state, color, unremovable, logable, paid) VALUES (2, '#32CD32', 1, 1, 1)",
    "INSERT INTO ps_order_state_lang VALUES (2, 1, 'Płatność zaakceptowana', 'payment')",
    "INSERT INTO ps_carrier (id_carrier, id_reference, name, url, active) VALUES (1, 1, 'InPost', 'https://inpost.pl/?n=@', 1)",
]


def fill_shop(server, database: str, customers: int, orders: int) -> None:
    def run(sql: str) -> None:
        server.execute(sql, database=database)

    for statement in REFERENCE_ROWS:
        run(statement)
    run(f"""INSERT INTO ps_customer (id_customer, id_gender, id_lang, firstname, lastname, email, passwd, secure_key,
            newsletter, active, is_guest, date_add, date_upd)
        SELECT seq, 1, 1, CONCAT('Zażółć', seq), CONCAT('Gęślą', seq), CONCAT('klient', seq, '@example.pl'), 'x', 'k',
            seq % 2, 1, seq % 5 = 0, NOW() - INTERVAL seq MINUTE, NOW() - INTERVAL seq MINUTE
        FROM seq_1_to_{customers}""")
    run(f"""INSERT INTO ps_address (id_address, id_country, id_customer, alias, lastname, firstname, address1, postcode,
            city, phone, vat_number, date_add, date_upd)
        SELECT seq, 14, seq, 'Dom', CONCAT('Gęślą', seq), CONCAT('Zażółć', seq), CONCAT('ul. Łąkowa ', seq), '90-001',
            'Łódź', CONCAT('+48 600 ', seq), 'PL 123-456-32-18', NOW() - INTERVAL seq MINUTE, NOW() - INTERVAL seq MINUTE
        FROM seq_1_to_{customers}""")
    run(f"""INSERT INTO ps_orders (id_order, reference, id_carrier, id_lang, id_customer, id_cart, id_currency,
            id_address_delivery, id_address_invoice, current_state, payment, module, total_paid, total_paid_tax_incl,
            total_paid_tax_excl, total_paid_real, total_products_wt, invoice_date, delivery_date, valid, date_add, date_upd)
        SELECT seq, LPAD(CONV(seq, 10, 36), 9, 'X'), 1, 1, 1 + seq % {customers}, seq, 1, 1 + seq % {customers},
            1 + seq % {customers}, 2, 'Przelew', 'ps_wirepayment', 100.5, 100.5, 81.71, 100.5, 90.5,
            '0000-00-00 00:00:00', '0000-00-00 00:00:00', 1, NOW() - INTERVAL seq MINUTE, NOW() - INTERVAL seq MINUTE
        FROM seq_1_to_{orders}""")
    run(f"""INSERT INTO ps_order_detail (id_order_detail, id_order, id_shop, product_id, product_attribute_id,
            product_name, product_quantity, product_reference, product_weight, tax_name, unit_price_tax_incl,
            total_price_tax_incl)
        SELECT seq, seq, 1, seq % 500, 0, CONCAT('Kubek - Kolor : Czerwony ', seq % 500), 1, 'MUG', 0.5, 'PTU', 90.5, 90.5
        FROM seq_1_to_{orders}""")
    run(f"""INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add)
        SELECT seq, 0, seq, 2, NOW() - INTERVAL seq MINUTE FROM seq_1_to_{orders}""")
    run(f"""INSERT INTO ps_order_carrier (id_order_carrier, id_order, id_carrier, weight, shipping_cost_tax_incl,
            tracking_number, date_add)
        SELECT seq, seq, 1, 1.2, 10, CONCAT('TRACK', seq), NOW() - INTERVAL seq MINUTE FROM seq_1_to_{orders}""")


def change_one_percent(server, database: str) -> None:
    server.execute(
        "UPDATE ps_customer SET firstname = 'Zmieniony', date_upd = NOW() WHERE id_customer % 100 = 0",
        database=database,
    )
    server.execute(
        "UPDATE ps_orders SET current_state = 2, date_upd = NOW() WHERE id_order % 100 = 0", database=database
    )


def timed_import(*args: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = StringIO()
    started, cpu = time.monotonic(), time.process_time()
    call_command("import_prestashop", *args, stdout=out, stderr=out)
    print(f"(importer process CPU: {time.process_time() - cpu:.1f} s; the rest is waiting for MariaDB and PostgreSQL)")
    return time.monotonic() - started, out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=300_000)
    args = parser.parse_args()

    mariadb, postgres = start_mariadb(), start_postgres()
    try:
        shop_url = mariadb.create_database("shop")
        create_tables(mariadb, "shop")
        started = time.monotonic()
        fill_shop(mariadb, "shop", args.customers, args.orders)
        rows = 2 * args.customers + 4 * args.orders + len(REFERENCE_ROWS)
        print(f"Shop filled: {rows} rows in {time.monotonic() - started:.1f} s")

        os.environ.update(DATABASE_URL=postgres.create_database("crm"), CRM_PRESTASHOP_DB_URL=shop_url)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings_test")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)

        seconds, output = timed_import("--full")
        print(output.strip())
        print(f"Full import: {rows} rows in {seconds:.1f} s = {rows / seconds:.0f} rows/s (target: under 300 s)")

        change_one_percent(mariadb, "shop")
        seconds, output = timed_import()
        print(output.strip())
        print(f"Incremental import after 1% changed: {seconds:.1f} s")
    finally:
        from django.db import connections

        connections.close_all()
        postgres.stop()
        mariadb.stop()


if __name__ == "__main__":
    main()
