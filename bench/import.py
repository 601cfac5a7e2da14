"""Benchmark: import_prestashop from MariaDB into PostgreSQL, this tree against a previous revision.

100,000 customers (one address each) and 300,000 orders (one row, one history
entry and one carrier row each) in PrestaShop 8 tables in a throwaway MariaDB.
Each tree imports them into a database of its own on one throwaway PostgreSQL,
in a process of its own, one after the other in the same run: the full import
(rows/s and the process's CPU), then incremental runs after 1% and after 5% of
customers and orders changed (and a run with nothing changed first: the floor,
which re-reads the children of the last CRM_IMPORT_RECENT_ORDER_DAYS of orders),
each database vacuumed and analysed once after the full import.
The previous revision is checked out with
`git worktree` into a temporary folder (default: the last commit before the bulk
import, see PREVIOUS).

    .venv/bin/python bench/import.py [--customers N] [--orders N] [--previous REV]
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from tests.customers.importing.prestashop_schema import create_tables  # noqa: E402
from tests.servers.mariadb import start_mariadb  # noqa: E402
from tests.servers.postgres import start_postgres  # noqa: E402

PREVIOUS = "223c2bf"  # row-by-row executemany upserts and PyMySQL

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


def change(server, database: str, percent: int) -> None:
    if not percent:
        return
    every = 100 // percent
    server.execute(
        f"UPDATE ps_customer SET firstname = CONCAT('Zmieniony', {percent}), date_upd = NOW() "
        f"WHERE id_customer % {every} = 0",
        database=database,
    )
    server.execute(
        f"UPDATE ps_orders SET current_state = 2, date_upd = NOW() WHERE id_order % {every} = 0", database=database
    )


# Runs the manage.py of the working directory with only that tree's code: the virtualenv's
# editable install would otherwise fill in modules the previous revision does not have.
ISOLATED_MANAGE = (
    "import runpy, sys; "
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in getattr(f, '__name__', repr(f)).lower()]; "
    "sys.argv = ['manage.py', *sys.argv[1:]]; sys.path.insert(0, '.'); "
    "runpy.run_path('manage.py', run_name='__main__')"
)


def manage(tree: Path, env: dict, *args: str) -> tuple[float, float, str]:
    """Run manage.py of `tree` in a process of its own: wall seconds, its CPU seconds, its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", ISOLATED_MANAGE, *args], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{tree}: manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, done.stdout + done.stderr


def _rows_done(output: str) -> str:
    """'N rows read, M written[, K unchanged]' from a run's summary line."""
    found = re.search(r"(\d+) rows read, (\d+) written(?:, (\d+) unchanged)?", output)
    if not found:
        return ""
    read, written, unchanged = found.groups()
    return f"{int(read):,} rows read, {int(written):,} written" + (
        f", {int(unchanged):,} unchanged" if unchanged else ""
    )


def checkout(revision: str, folder: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "worktree", "add", "--detach", "--force", str(folder), revision],
        check=True,
        capture_output=True,
    )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--previous", default=PREVIOUS, help="git revision to compare with")
    args = parser.parse_args()

    mariadb, postgres = start_mariadb(), start_postgres()
    scratch = Path(tempfile.mkdtemp(prefix="crm-bench-import-"))
    previous_tree = checkout(args.previous, scratch / "previous")
    try:
        shop_url = mariadb.create_database("shop")
        create_tables(mariadb, "shop")
        started = time.monotonic()
        fill_shop(mariadb, "shop", args.customers, args.orders)
        rows = 2 * args.customers + 4 * args.orders + len(REFERENCE_ROWS)
        print(f"Shop filled: {rows:,} rows in {time.monotonic() - started:.1f} s")
        trees = {f"previous ({args.previous})": previous_tree, "this tree": PROJECT_ROOT}
        envs = {}
        for index, (name, tree) in enumerate(trees.items()):
            envs[name] = os.environ | {
                "DATABASE_URL": postgres.create_database(f"crm{index}"),
                "CRM_PRESTASHOP_DB_URL": shop_url,
                "DJANGO_SETTINGS_MODULE": "crm.settings_test",
            }
            manage(tree, envs[name], "migrate", "--verbosity", "0")
        full = {name: manage(tree, envs[name], "import_prestashop", "--full") for name, tree in trees.items()}
        print(f"\nFull import of {rows:,} rows:")
        for name, (seconds, cpu, _) in full.items():
            print(f"  {name:24} {seconds:7.1f} s  {rows / seconds:8,.0f} rows/s  importer CPU {cpu:6.1f} s")
        (old_s, old_cpu, _), (new_s, new_cpu, output) = full.values()
        print(f"  ratio: {old_s / new_s:.2f}x rows/s, {old_cpu / new_cpu:.2f}x less CPU")
        print("  this tree's summary:\n    " + "\n    ".join(output.strip().splitlines()[-6:]))
        for env in envs.values():  # what autovacuum would do after the load, not in the middle of a timed run
            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE")
        for percent in (0, 1, 5):
            change(mariadb, "shop", percent)
            changed = percent * args.customers // 100, percent * args.orders // 100
            print(f"\nIncremental import after {percent}% changed ({changed[0]:,} customers, {changed[1]:,} orders):")
            for name, tree in trees.items():
                seconds, cpu, output = manage(tree, envs[name], "import_prestashop")
                print(f"  {name:24} {seconds:7.1f} s  importer CPU {cpu:6.1f} s  {_rows_done(output)}")
    finally:
        subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "worktree", "remove", "--force", str(previous_tree)], check=False
        )
        postgres.stop()
        mariadb.stop()


if __name__ == "__main__":
    main()
