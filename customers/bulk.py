"""Fast bulk writes of plain rows into a model's table (import, search index, seeding).

Model instances and the ORM's per-value SQL compilation cost more than the
database does at this size, so rows are plain dicts keyed by attribute name.
PostgreSQL gets COPY, others executemany.
"""

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


def upsert_rows(model, rows: list[dict]) -> None:
    """Insert or update `rows` (dicts keyed by attname, every concrete field) by primary key.

    On PostgreSQL a batch is COPYed into a temporary staging table shaped like the
    model's table and merged with one INSERT ... SELECT ... ON CONFLICT: the server
    parses one statement per batch and psycopg writes the rows in C, where
    executemany sent and planned one INSERT per row. Elsewhere (SQLite) and for
    single rows, one short parameterised INSERT ... ON CONFLICT run with
    executemany: bulk_create's one statement per batch is too long for the query
    caches, and a model instance per row costs more than the database does.
    """
    if not rows:
        return
    spec = _Table(model)
    connection = connections[router.db_for_write(model)]
    attnames = [field.attname for field in spec.fields]
    if connection.vendor == "postgresql" and len(rows) > 1:
        _copy_and_merge(spec, connection, ([row[name] for name in attnames] for row in rows))
        return
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


def _copy_and_merge(spec, connection, values) -> None:
    quote = connection.ops.quote_name
    table = quote(spec.model._meta.db_table)
    stage = quote(f"stage_{spec.model._meta.db_table}")
    columns = _columns(spec, connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # Created once per database session; emptied after each merge (and by any commit or rollback).
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        cursor.execute(_statement(spec, connection, f"SELECT {columns} FROM {stage}"))
        cursor.execute(f"TRUNCATE {stage}")


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
    quote = connection.ops.quote_name
    keys = ", ".join(quote(column) for column in spec.key_columns)
    updates = ", ".join(
        f"{quote(field.column)} = EXCLUDED.{quote(field.column)}"
        for field in spec.fields
        if field.column not in spec.key_columns
    )
    return (
        f"INSERT INTO {quote(spec.model._meta.db_table)} ({_columns(spec, connection)}) {source} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )
