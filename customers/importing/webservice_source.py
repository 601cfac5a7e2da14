"""Reads the same rows through the PrestaShop Webservice (JSON output).

`GET {api}/{resource}?output_format=JSON&display=full&limit=OFFSET,COUNT` pages
until a page comes back short; an empty result is `[]`. Multi-language fields
are lists of {"id": id_lang, "value": ...}: the `*_lang` tables are rebuilt
from them, elsewhere the first language's value is kept. The key is sent as
the HTTP Basic user name and never appears in a message.
"""

import json

import requests

from customers.importing.errors import SourceUnavailable, TableUnavailable
from customers.importing.tables import Kind, TableSpec

URL_SETTING = "CRM_PRESTASHOP_API_URL"
KEY_SETTING = "CRM_PRESTASHOP_API_KEY"
FAR_FUTURE = "9999-12-31 23:59:59"
IDS_PER_REQUEST = 100
TIMEOUT = 60
# PrestaShop accepts date_add/date_upd in sort and filter only with date=1.
BY_DATE_UPD = {"date": "1", "sort": "[date_upd_ASC,id_ASC]"}
# Columns of the database tables that PrestaShop's ObjectModel does not expose.
UNEXPOSED = {"address": {"active"}}


class WebserviceSource:
    def __init__(self, url: str, key: str, batch_size: int = 1000, session: requests.Session | None = None):
        if not url.startswith(("http://", "https://")):
            raise SourceUnavailable(f"{URL_SETTING} must be the shop's API address, like https://shop.example/api")
        if not key:
            raise SourceUnavailable(f"{KEY_SETTING} is not set")
        self.url = url.rstrip("/")
        self.batch_size = batch_size
        self.session = session or requests.Session()
        self.session.auth = (key, "")

    def __enter__(self):
        self._get("", {})  # fails at once on an unreachable shop or a wrong key
        return self

    def __exit__(self, *exc):
        self.session.close()

    def where(self, spec: TableSpec) -> str:
        return f"resource {spec.lang_of.resource if spec.lang_of else spec.resource}"

    def unexposed_columns(self, spec: TableSpec) -> set:
        return UNEXPOSED.get(spec.name, set())

    def read(self, spec: TableSpec, since):
        if spec.lang_of:
            for items in self._pages(spec.lang_of.resource, {"sort": "[id_ASC]"}):
                yield [row for item in items for row in _lang_rows(spec, item)]
            return
        params = {"sort": "[id_ASC]"}
        if spec.kind is Kind.DATED:
            params = BY_DATE_UPD.copy()
            if since:
                params.update(_date_filter("date_upd", since))
        for items in self._pages(spec.resource, params):
            yield [_row(spec, item) for item in items]

    def changed_orders(self, since, recent_since) -> list[tuple]:
        listing = BY_DATE_UPD | {"display": "[id,date_upd]"}
        filters = [{}] if since is None else [_date_filter("date_upd", since), _date_filter("date_add", recent_since)]
        orders = {}
        for extra in filters:
            for items in self._pages("orders", listing | extra):
                orders.update((int(item["id"]), item.get("date_upd")) for item in items)
        return sorted(orders.items(), key=lambda pair: (pair[1] or "", pair[0]))

    def children(self, spec: TableSpec, order_ids: list[int]) -> list[dict]:
        rows = []
        for start in range(0, len(order_ids), IDS_PER_REQUEST):
            chunk = order_ids[start : start + IDS_PER_REQUEST]
            params = {"filter[id_order]": "[" + "|".join(map(str, chunk)) + "]", "sort": "[id_ASC]"}
            for items in self._pages(spec.resource, params):
                rows.extend(_row(spec, item) for item in items)
        return rows

    def _pages(self, resource: str, params: dict):
        offset = 0
        params = {"display": "full"} | params
        while True:
            page = self._get(resource, params | {"limit": f"{offset},{self.batch_size}"})
            items = page.get(resource, []) if isinstance(page, dict) else []
            if items:
                yield items
            if len(items) < self.batch_size:
                return
            offset += self.batch_size

    def _get(self, resource: str, params: dict):
        url = f"{self.url}/{resource}"
        try:
            response = self.session.get(url, params={"output_format": "JSON"} | params, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise SourceUnavailable(
                f"cannot reach the shop's Webservice at {url} ({URL_SETTING}): {type(error).__name__}"
            ) from None
        if response.status_code != 200:
            raise _status_error(resource, url, response)
        # Decode ourselves: broken UTF-8 becomes U+FFFD and is reported per row by the importer.
        text = response.content.decode("utf-8", "replace")
        try:
            return json.loads(text) if text.strip() else []
        except ValueError:
            raise TableUnavailable(f"{url} did not return JSON (is output_format=JSON supported?)") from None


def _status_error(resource: str, url: str, response: requests.Response) -> Exception:
    detail = _error_message(response)
    if response.status_code == 401 and not resource:
        return SourceUnavailable(f"the shop's Webservice refused the key (HTTP 401{detail}): check {KEY_SETTING}")
    if response.status_code in (401, 403, 404):
        return TableUnavailable(f"{url} answered HTTP {response.status_code}{detail}: enable GET for this resource")
    if resource:
        return TableUnavailable(f"{url} answered HTTP {response.status_code}{detail}")
    return SourceUnavailable(
        f"the shop's Webservice at {url} answered HTTP {response.status_code}{detail} ({URL_SETTING})"
    )


def _error_message(response: requests.Response) -> str:
    """`{"errors": [{"code": .., "message": ..}]}` -> ', message' (empty when absent)."""
    try:
        errors = response.json().get("errors") or []
        return ", " + "; ".join(str(error.get("message", "")) for error in errors)[:200] if errors else ""
    except (ValueError, AttributeError):
        return ""


def _date_filter(column: str, since) -> dict:
    return {"date": "1", f"filter[{column}]": f"[{since:%Y-%m-%d %H:%M:%S},{FAR_FUTURE}]"}


def _row(spec: TableSpec, item: dict) -> dict:
    """Webservice fields -> column names: `id` is the primary key; multi-language values collapse."""
    row = {spec.key_columns[0]: item.get("id")}
    for column in spec.columns:
        if column in item and column not in row:
            row[column] = _single_language(item[column])
    return row


def _single_language(value):
    if isinstance(value, list):
        return value[0].get("value") if value and isinstance(value[0], dict) else ""
    return value


def _lang_rows(spec: TableSpec, item: dict) -> list[dict]:
    lang_of = spec.lang_of
    rows = {}
    for column in lang_of.fields:
        values = item.get(column)
        for entry in values if isinstance(values, list) else []:
            row = rows.setdefault(entry.get("id"), {lang_of.parent_column: item.get("id"), "id_lang": entry.get("id")})
            row[column] = entry.get("value")
    return list(rows.values())
