"""A local HTTP server answering like PrestaShop's Webservice with output_format=JSON.

What it implements is what PrestaShop documents and does (classes/webservice/
WebserviceRequest.php): the key as HTTP Basic user name (or ws_key), 401 with
`{"errors": [...]}` for a wrong key or a resource the key may not read,
`display=full` / `display=[a,b]`, `limit=OFFSET,COUNT`, `sort=[field_ASC,...]`,
`filter[field]=[a|b]` and `[from,to]`, date_add/date_upd usable only with
`date=1`, `[]` for an empty list, values as strings and ids as numbers.
"""

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from tests.servers._local import HOST

DATE_FIELDS = ("date_add", "date_upd")


class FakeWebservice:
    def __init__(self, key: str, resources: dict[str, list[dict]], allowed: set[str] | None = None):
        self.key = key
        self.resources = resources
        self.allowed = allowed if allowed is not None else set(resources)
        self.requests: list[tuple[str, dict]] = []
        self.server = ThreadingHTTPServer((HOST, 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_port}/api"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, query: dict, authorization: str | None) -> tuple[int, bytes]:
        resource = path.removeprefix("/api").strip("/")
        self.requests.append((resource, query))
        if self._key(query, authorization) != self.key:
            return 401, _errors(
                (20, "Authentification key is not active"), (21, "No permission for this authentication key")
            )
        if not resource:
            return 200, json.dumps({"api": {name: {} for name in sorted(self.allowed)}}).encode()
        if resource not in self.allowed:
            return 401, _errors((26, f'Resource of type "{resource}" is not allowed with this authentication key'))
        try:
            items = _select(self.resources.get(resource, []), query)
        except ValueError as error:
            return 400, _errors((32, str(error)))
        if not items:
            return 200, b"[]"
        # PrestaShop writes whatever bytes the database holds: "\udcXX" stands for a raw byte XX.
        return 200, json.dumps({resource: items}, ensure_ascii=False).encode("utf-8", "surrogateescape")

    def _key(self, query: dict, authorization: str | None) -> str | None:
        if authorization and authorization.startswith("Basic "):
            return base64.b64decode(authorization[6:]).decode().split(":", 1)[0]
        return query.get("ws_key")


def _handler(fake: FakeWebservice):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            status, body = fake.answer(parts.path, query, self.headers.get("Authorization"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def _errors(*errors: tuple[int, str]) -> bytes:
    return json.dumps({"errors": [{"code": code, "message": message} for code, message in errors]}).encode()


def _select(items: list[dict], query: dict) -> list[dict]:
    dates_allowed = query.get("date") == "1"
    for name, value in query.items():
        match = re.fullmatch(r"filter\[(\w+)\]", name)
        if match:
            field = match.group(1)
            if field in DATE_FIELDS and not dates_allowed:
                raise ValueError(f"This filter does not exist: {field}")
            items = [item for item in items if _matches(item.get(field), value)]
    items = _sorted(items, query.get("sort", "[id_ASC]"), dates_allowed)
    items = _limited(items, query.get("limit"))
    return [_displayed(item, query.get("display")) for item in items]


def _matches(actual, condition: str) -> bool:
    inner = condition[1:-1]
    if "|" in inner or "," not in inner:
        return str(actual) in inner.split("|")
    low, high = inner.split(",", 1)
    if str(actual).isdigit() and low.isdigit():
        return int(low) <= int(actual) <= int(high)
    return low <= str(actual) <= high


def _sorted(items: list[dict], sort: str, dates_allowed: bool) -> list[dict]:
    for part in reversed(sort.strip("[]").split(",")):
        field, direction = part.rsplit("_", 1)
        if field in DATE_FIELDS and not dates_allowed:
            raise ValueError(f"Unable to filter by this field: {field}")
        numeric = field == "id" or field.startswith("id_")
        items = sorted(
            items, key=lambda item: int(item[field]) if numeric else str(item[field]), reverse=direction == "DESC"
        )
    return items


def _limited(items: list[dict], limit: str | None) -> list[dict]:
    if not limit:
        return items
    offset, _, count = limit.rpartition(",")
    start = int(offset or 0)
    return items[start : start + int(count)]


def _displayed(item: dict, display: str | None) -> dict:
    if display == "full":
        return item
    if not display:
        return {"id": item["id"]}
    return {field: item[field] for field in display.strip("[]").split(",")}
