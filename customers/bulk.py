"""Fast bulk insert of plain rows into a model's table (seeding a million customers).

Model instances and the ORM's per-value SQL compilation cost more than the
database does at this size, so rows are plain dicts keyed by attribute name;
missing attributes take the field's default. PostgreSQL gets COPY, others
executemany.
"""

from django.db import connection


def insert_rows(model, rows: list[dict]) -> int:
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
