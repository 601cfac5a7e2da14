import uuid
from dataclasses import dataclass

import pytest

from tests.customers.importing.prestashop_schema import create_tables, insert_rows
from tests.customers.importing.shop_data import shop_rows
from tests.servers.mariadb import MariaDBServer, start_mariadb


@pytest.fixture(scope="session")
def mariadb():
    server = start_mariadb()
    yield server
    server.stop()


@dataclass
class Shop:
    server: MariaDBServer
    database: str
    url: str
    rows: dict

    def execute(self, sql: str, params=None):
        return self.server.execute(sql, params, database=self.database)


def make_shop(mariadb: MariaDBServer, prefix: str = "ps_", skip: tuple = ()) -> Shop:
    database = f"shop_{uuid.uuid4().hex[:10]}"
    url = mariadb.create_database(database)
    create_tables(mariadb, database, prefix, skip)
    # A shop restored from a dump with the wrong character set: this column holds raw, broken bytes.
    mariadb.execute(
        f"ALTER TABLE {prefix}customer MODIFY lastname varchar(255) CHARACTER SET latin1 NOT NULL", database=database
    )
    rows = shop_rows()
    with mariadb.connect(database) as connection:
        for table, table_rows in rows.items():
            if table not in skip:
                insert_rows(connection, f"{prefix}{table}", table_rows)
    return Shop(mariadb, database, url, rows)


@pytest.fixture
def shop(mariadb) -> Shop:
    return make_shop(mariadb)


@pytest.fixture
def import_settings(settings):
    settings.CRM_PRESTASHOP_DB_URL = ""
    settings.CRM_PRESTASHOP_API_URL = ""
    settings.CRM_PRESTASHOP_API_KEY = ""
    settings.CRM_PRESTASHOP_TABLE_PREFIX = "ps_"
    settings.CRM_SHOP_TIME_ZONE = "Europe/Warsaw"
    settings.CRM_IMPORT_OVERLAP_MINUTES = 10
    settings.CRM_IMPORT_RECENT_ORDER_DAYS = 14
    return settings
