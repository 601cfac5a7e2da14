"""The mirror's content, and what it should be for given PrestaShop rows, table by table and row by row."""

import datetime
import decimal

from django.db import models

from customers.importing.tables import TABLES
from tests.customers.importing.shop_data import SHOP_ZONE

SKIPPED = {"address": lambda row: not row.get("id_customer")}


def mirror_content() -> dict:
    content = {}
    for spec in TABLES:
        content[spec.name] = {
            _key(spec, obj): {field.column: getattr(obj, field.attname) for field in spec.fields}
            for obj in spec.model.objects.all()
        }
    return content


def expected_content(rows_by_table: dict, absent: dict | None = None) -> dict:
    """The mirror for these source rows.

    A column missing from a row holds PrestaShop's default, which is also the model's; `absent`
    lists columns a source never gives (the model default too).
    """
    content = {}
    for spec in TABLES:
        rows = [row for row in rows_by_table.get(spec.name, []) if not SKIPPED.get(spec.name, lambda row: False)(row)]
        leave_out = (absent or {}).get(spec.name, set())
        content[spec.name] = {}
        for row in rows:
            values = {
                field.column: expected_value(field, row[field.column])
                if field.column in row and field.column not in leave_out
                else field.get_default()
                for field in spec.fields
            }
            content[spec.name][tuple(values[column] for column in spec.key_columns)] = values
    return content


def expected_value(field, value):
    if isinstance(field, models.DateTimeField):
        if value is None or str(value).startswith("0000"):
            return None
        return datetime.datetime.fromisoformat(value).replace(tzinfo=SHOP_ZONE)
    if isinstance(field, models.DateField):
        return None if value is None or value.startswith("0000") else datetime.date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        return bool(int(value or 0))
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(str(value if value is not None else 0))
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return None if value is None and field.null else int(value or 0)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _key(spec, obj) -> tuple:
    return tuple(getattr(obj, attname) for attname in spec.key_attnames)
