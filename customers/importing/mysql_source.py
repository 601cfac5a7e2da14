"""Reads the mirrored tables straight from the shop's MySQL/MariaDB database.

Results come in the `binary` character set: the server sends text exactly as
stored and `convert` decodes it, so a broken byte sequence becomes a
reported replacement character instead of an exception or a silent '?'.
Only the columns the table really has are selected (older and newer
PrestaShop versions differ); the importer reports the missing ones.

The driver is mysqlclient (C, `pip install '.[mysql]'`) when it is installed: it
reads rows about four times faster than PyMySQL (pure Python), which is the
fallback. Both speak the same DB-API (SSDictCursor, MySQLError with (code, message)).
"""

from decimal import Decimal
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.cursors
from pymysql.constants import FIELD_TYPE
from pymysql.converters import conversions as pymysql_conversions

try:
    import MySQLdb
    import MySQLdb.cursors
except ImportError:  # mysqlclient needs a C compiler and libmariadb-dev: optional
    MySQLdb = None

from customers.importing.errors import SourceUnavailable, TableUnavailable
from customers.importing.tables import Kind, TableSpec

SETTING = "CRM_PRESTASHOP_DB_URL"
# MySQL error numbers that concern one table, not the whole connection.
TABLE_ERRORS = {1054, 1142, 1143, 1146}  # unknown column, no table/column privilege, no such table
DRIVER_ERRORS = (pymysql.MySQLError,) + ((MySQLdb.MySQLError,) if MySQLdb else ())


def _decimal(value: bytes | str) -> Decimal:
    return Decimal(value.decode("ascii") if isinstance(value, bytes) else value)


# With binary results every value arrives as bytes; int() and the date converters take bytes, Decimal does not.
DECIMALS = {FIELD_TYPE.DECIMAL: _decimal, FIELD_TYPE.NEWDECIMAL: _decimal}
INTEGERS = {t: int for t in (FIELD_TYPE.TINY, FIELD_TYPE.SHORT, FIELD_TYPE.LONG, FIELD_TYPE.LONGLONG, FIELD_TYPE.INT24)}


def _connect(params: dict):
    """A connection with binary text results: mysqlclient's when installed, else PyMySQL's."""
    # mysqlclient types integers in C; decimals stay bytes for `convert` (one Python call per value, not two).
    driver, conv = (MySQLdb, INTEGERS) if MySQLdb else (pymysql, pymysql_conversions | DECIMALS)
    connection = driver.connect(
        **params,
        charset="utf8mb4",
        use_unicode=False,
        conv=conv,
        connect_timeout=10,
        read_timeout=600,
        autocommit=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION net_write_timeout = 600, character_set_results = binary")
    return connection, driver.cursors.SSDictCursor


def parse_url(url: str) -> dict:
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    if parts.scheme not in ("mysql", "mariadb") or not parts.hostname or not database:
        raise SourceUnavailable(f"{SETTING} must look like mysql://user:password@host:3306/database")
    try:
        port = parts.port or 3306
    except ValueError:
        raise SourceUnavailable(f"{SETTING} has an invalid port") from None
    return {
        "host": parts.hostname,
        "port": port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(database),
    }


class MySqlSource:
    def __init__(self, url: str, prefix: str = "ps_", batch_size: int = 1000):
        self.params = parse_url(url)
        self.prefix = prefix
        self.batch_size = batch_size
        self.connection = None
        self._columns = {}

    def __enter__(self):
        params = self.params
        try:
            self.connection, self.streaming_cursor = _connect(params)
        except DRIVER_ERRORS as error:
            where = f"{params['host']}:{params['port']}/{params['database']}"
            raise SourceUnavailable(f"cannot use the shop database at {where} ({SETTING}): {_message(error)}") from None
        return self

    def __exit__(self, *exc):
        if self.connection:
            self.connection.close()

    def where(self, spec: TableSpec) -> str:
        return self.table(spec)

    def table(self, spec: TableSpec) -> str:
        return f"{self.prefix}{spec.name}"

    def unexposed_columns(self, spec: TableSpec) -> set:
        return set()

    def read(self, spec: TableSpec, since):
        columns = self._existing_columns(spec)
        dated = spec.kind is Kind.DATED and "date_upd" in columns
        where, params = ("WHERE date_upd >= %s", [since]) if dated and since else ("", [])
        order = ", ".join((["date_upd"] if dated else []) + list(spec.key_columns))
        sql = f"SELECT {_names(columns)} FROM {_quote(self.table(spec))} {where} ORDER BY {order}"
        yield from self._stream(spec, sql, params)

    def changed_orders(self, since, recent_since) -> list[tuple]:
        orders = _quote(f"{self.prefix}orders")
        if since is None:
            sql, params = f"SELECT id_order, date_upd FROM {orders}", []
        else:
            sql, params = (
                f"SELECT id_order, date_upd FROM {orders} WHERE date_upd >= %s OR date_add >= %s",
                [since, recent_since],
            )
        return self._query("orders", sql + " ORDER BY date_upd, id_order", params)

    def children(self, spec: TableSpec, order_ids: list[int]) -> list[dict]:
        if not order_ids:
            return []
        columns = self._existing_columns(spec)
        placeholders = ", ".join(["%s"] * len(order_ids))
        sql = (
            f"SELECT {_names(columns)} FROM {_quote(self.table(spec))} "
            f"WHERE id_order IN ({placeholders}) ORDER BY {', '.join(spec.key_columns)}"
        )
        return [dict(zip(columns, row, strict=True)) for row in self._query(spec.name, sql, order_ids)]

    def _existing_columns(self, spec: TableSpec) -> list[str]:
        if spec.name not in self._columns:
            rows = self._query(
                spec.name,
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
                [self.table(spec)],
            )
            present = {name.decode() if isinstance(name, bytes) else name for (name,) in rows}
            if not present:
                raise TableUnavailable(
                    f"table {self.table(spec)} does not exist in the shop database (or no SELECT right)"
                )
            missing_keys = [column for column in spec.key_columns if column not in present]
            if missing_keys:
                raise TableUnavailable(f"table {self.table(spec)} has no {', '.join(missing_keys)} column")
            self._columns[spec.name] = [column for column in spec.columns if column in present]
        return self._columns[spec.name]

    def _stream(self, spec: TableSpec, sql: str, params: list):
        """Batches of rows as dicts, made by the driver (in C with mysqlclient)."""
        cursor = self.connection.cursor(self.streaming_cursor)
        try:
            self._execute(spec.name, cursor, sql, params)
            while True:
                rows = self._fetch(spec.name, cursor)
                if not rows:
                    return
                yield list(rows)
        finally:
            cursor.close()

    def _fetch(self, name: str, cursor) -> list:
        try:
            return cursor.fetchmany(self.batch_size)
        except DRIVER_ERRORS as error:
            raise self._failure(name, error) from None

    def _query(self, name: str, sql: str, params) -> list:
        with self.connection.cursor() as cursor:
            self._execute(name, cursor, sql, params)
            return list(cursor.fetchall())

    def _execute(self, name: str, cursor, sql: str, params) -> None:
        try:
            cursor.execute(sql, params)
        except DRIVER_ERRORS as error:
            raise self._failure(name, error) from None

    def _failure(self, name: str, error: Exception) -> Exception:
        code = error.args[0] if error.args else None
        if code in TABLE_ERRORS:
            return TableUnavailable(f"{self.prefix}{name}: {_message(error)}")
        return SourceUnavailable(f"the shop database failed while reading {self.prefix}{name}: {_message(error)}")


def _names(columns: list[str]) -> str:
    return ", ".join(_quote(column) for column in columns)


def _quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def _message(error: Exception) -> str:
    if len(error.args) >= 2:
        message = error.args[1]
        return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return str(error) or type(error).__name__
