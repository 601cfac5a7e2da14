"""The shop of shop_data as the Webservice serves it: one item per object, `id`, strings, lang lists."""

from customers.importing.tables import TABLES

SPECS = {spec.name: spec for spec in TABLES}
# ps_address.active is a database column the Address ObjectModel does not expose.
NOT_EXPOSED = {"address": {"active"}}


def webservice_resources(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    resources, items_by_table = {}, {}
    for table, table_rows in rows.items():
        spec = SPECS[table]
        if spec.lang_of:
            continue
        key = spec.key_columns[0]
        items = [_item(spec, row, key, NOT_EXPOSED.get(table, set())) for row in table_rows]
        items_by_table[table] = {item["id"]: item for item in items}
        resources[spec.resource] = items
    for table, table_rows in rows.items():
        lang_of = SPECS[table].lang_of
        if lang_of:
            parents = {item["id"]: item for item in resources[lang_of.resource]}
            for row in table_rows:
                for field in lang_of.fields:
                    entry = {"id": str(row["id_lang"]), "value": row[field]}
                    parents[row[lang_of.parent_column]].setdefault(field, []).append(entry)
    for item in resources["orders"]:
        details = [d for d in resources["order_details"] if d["id_order"] == str(item["id"])]
        item["associations"] = {"order_rows": [{"id": str(d["id"]), "product_id": d["product_id"]} for d in details]}
    return resources


def _item(spec, row: dict, key: str, hidden: set) -> dict:
    """Every field of the object, as PrestaShop sends them (a column the row leaves out has its default)."""
    defaults = {field.column: field.get_default() for field in spec.fields}
    item = {"id": row[key]}
    for column, value in (defaults | row).items():
        if column != key and column not in hidden:
            item[column] = _text(value)
    return item


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return str(value)
