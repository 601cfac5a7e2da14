"""Fast bulk writes of plain rows into a model's table (import, search index, seeding).

Model instances and the ORM's per-value SQL compilation cost more than the
database does at this size, so rows are plain dicts keyed by attribute name.
PostgreSQL gets COPY, others executemany.
"""

import operator

from django.db import connection, connections, router, transaction


def insert_rows(model, rows: list[dict]) -> int:
    """Insert new rows; missing attributes take the field's default."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    adapters = [_adapter(f) for f in fields]
    values = [
        tuple(
            adapt(row[f.attname] if f.attname in row else defaults[f.attname])
            for f, adapt in zip(fields, adapters, strict=True)
        )
        for row in rows
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
    return len(values)


def _adapter(field):
    internal = field.get_internal_type()
    if connection.vendor == "postgresql":
        return _identity
    if internal == "DateTimeField":
        return lambda value: connection.ops.adapt_datetimefield_value(value)
    if internal == "DecimalField":
        return lambda value: None if value is None else str(value)
    if internal == "DateField":
        return lambda value: None if value is None else value.isoformat()
    return _identity


def _identity(value):
    return value


def upsert_rows(model, rows: list[dict], *, new: bool = False) -> int:
    """Insert or update `rows` (dicts keyed by attname, every concrete field) by primary key.

    Returns how many rows were written: a row equal to the stored one is left
    alone (no new row version, no index update), so re-reading what did not
    change costs reads only. `new` says the caller knows none of the keys is in
    the table (a first import into an empty table): PostgreSQL then COPYs the
    rows straight in, and a duplicate key raises IntegrityError like any insert.

    Otherwise, on PostgreSQL a batch is COPYed into a temporary staging table
    shaped like the model's table and merged with one INSERT ... SELECT ... ON
    CONFLICT: the server parses one statement per batch and psycopg writes the
    rows in C, where executemany sent and planned one INSERT per row. Elsewhere
    (SQLite) and for single rows, one short parameterised INSERT ... ON CONFLICT
    run with executemany: bulk_create's one statement per batch is too long for
    the query caches, and a model instance per row costs more than the database does.
    """
    if not rows:
        return 0
    spec = _Table(model)
    connection = connections[router.db_for_write(model)]
    attnames = [field.attname for field in spec.fields]
    if connection.vendor == "postgresql" and (new or len(rows) > 1):
        values = map(_getter(attnames), rows)
        if new:
            return _copy(
                connection, connection.ops.quote_name(model._meta.db_table), _columns(spec, connection), values
            )
        return _copy_and_merge(spec, connection, values)
    prepare = [_preparer(field, connection) for field in spec.fields]
    params = [
        [
            value if convert is None else convert(value)
            for value, convert in zip((row[name] for name in attnames), prepare, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_statement(spec, connection, "VALUES " + _placeholders(spec)), params)
        return cursor.rowcount


def _getter(names: list[str]):
    """A row's values in this order, as a tuple (itemgetter, in C)."""
    if len(names) == 1:
        return lambda row: (row[names[0]],)
    return operator.itemgetter(*names)


def _copy(connection, table: str, columns: str, values) -> int:
    written = 0
    # psycopg's own cursor: its errors are made Django's (IntegrityError, DataError) here.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in values:
            copy.write_row(row)
            written += 1
    return written


def _copy_and_merge(spec, connection, values) -> int:
    quote = connection.ops.quote_name
    table = quote(spec.model._meta.db_table)
    stage = quote(f"stage_{spec.model._meta.db_table}")
    columns = _columns(spec, connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Created once per database session and emptied after each merge, in the merge's transaction
        # (a rollback empties it too). Not ON COMMIT DELETE ROWS: that truncates every such table of
        # the session at every commit, 7 ms each once the import has staged four tables.
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} (LIKE {table} INCLUDING DEFAULTS)")
        _copy(connection, stage, columns, values)
        cursor.execute(_statement(spec, connection, f"SELECT {columns} FROM {stage}"))
        written = cursor.rowcount
        cursor.execute(f"TRUNCATE {stage}")
    return written


class _Table:
    """A model's concrete fields and primary-key columns (composite keys too)."""

    def __init__(self, model):
        pk = model._meta.pk
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.column]
        self.key_columns = [f.column for f in getattr(pk, "fields", [pk])]


def _preparer(field, connection):
    """None where the driver takes the Python value as it is (psycopg: all our types)."""
    if connection.vendor == "postgresql":
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _columns(spec, connection) -> str:
    return ", ".join(connection.ops.quote_name(field.column) for field in spec.fields)


def _placeholders(spec) -> str:
    return "(" + ", ".join(["%s"] * len(spec.fields)) + ")"


def _statement(spec, connection, source: str) -> str:
    """The upsert; a row whose values all equal the stored ones is not updated (nor counted)."""
    quote = connection.ops.quote_name
    table = quote(spec.model._meta.db_table)
    keys = ", ".join(quote(column) for column in spec.key_columns)
    others = [quote(field.column) for field in spec.fields if field.column not in spec.key_columns]
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in others)
    differs = " OR ".join(f"{table}.{column} {distinct} EXCLUDED.{column}" for column in others)
    return (
        f"INSERT INTO {table} ({_columns(spec, connection)}) {source} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates} WHERE {differs}"
    )
