"""INSERT ... ON CONFLICT (primary key) DO UPDATE for converted rows, keeping PrestaShop's ids.

What `bulk_create(update_conflicts=True)` generates, but as one short statement
run with executemany: bulk_create's one-statement-per-batch SQL is too long for
psycopg's query cache, and re-parsing 27,000 placeholders per batch took most
of a large import's time (as did a model instance and Django's per-value
preparation for every cell). The statement is the same on PostgreSQL and
SQLite (3.24+).
"""

from django.db import connections, router


def upsert(spec, rows: list[dict]) -> None:
    """Insert or update `rows` (dicts keyed by attname) into the mirror table of `spec`."""
    if not rows:
        return
    connection = connections[router.db_for_write(spec.model)]
    attnames = [field.attname for field in spec.fields]
    prepare = [_preparer(field, connection) for field in spec.fields]
    params = [
        [
            value if convert is None else convert(value)
            for value, convert in zip((row[name] for name in attnames), prepare, strict=True)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_statement(spec, connection), params)


def _preparer(field, connection):
    """None where the driver takes the Python value as it is (psycopg: all our types)."""
    if connection.vendor == "postgresql":
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _statement(spec, connection) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in spec.fields)
    row = "(" + ", ".join(["%s"] * len(spec.fields)) + ")"
    keys = ", ".join(quote(column) for column in spec.key_columns)
    updates = ", ".join(
        f"{quote(field.column)} = EXCLUDED.{quote(field.column)}"
        for field in spec.fields
        if field.column not in spec.key_columns
    )
    return (
        f"INSERT INTO {quote(spec.model._meta.db_table)} ({columns}) VALUES {row} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )
