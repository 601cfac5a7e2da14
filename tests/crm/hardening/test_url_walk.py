"""Every URL of the URLconf, as every role, with bad values in every GET parameter and every URL part: never a 500.

The URLs come from walking the resolver (the admin's too), filled with ids of real objects. The GET
parameters come from a fixed list of every name the CRM and the admin read, plus those each page is
seen to read (a recording QueryDict) or links to (sort, page, the admin's filters).
"""

import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from customers.models import Disclosure
from tests.factories import make_staff
from tests.threads.ui.mails import PNG, receive
from threads import services
from threads.models import CannedReply, Message, Status, Thread

# Already percent-encoded, as they stand in a query string or a path.
BAD_VALUES = {
    "NUL": "ab%00cd",
    "100 kB": "x" * 100_000,
    "far future": "9999-12-31",
    "year one": "0001-01-01",
    "minus one": "-1",
    "huge number": "9" * 30,
    "invalid UTF-8": "%ff%fe",
    "bare percent": "%",
    "percent": "%25",
    "underscore": "_",
}
# Refused by crm.middleware.BadInputMiddleware wherever they stand: always exactly 400.
REFUSED_AT_THE_DOOR = {"NUL", "100 kB", "invalid UTF-8"}
# What the CRM's views and forms, django-tables2 and the admin read from GET.
KNOWN_PARAMETERS = [
    *["email", "all", "q", "after", "images", "next"],
    *["text", "subject", "sender", "order", "status", "owner", "date_from", "date_to", "poks"],
    *["sort", "page", "per_page"],
    *["o", "p", "e", "_popup", "_to_field", "_changelist_filters"],
]
# Every field the CRM's forms and POST views read (the admin's forms are Django's, and its delete pages
# delete on any POST, so the admin is walked with GET only; logout would end the walk's session).
FORM_FIELDS = [
    *["text", "action", "recipient", "subject", "status", "owner", "leaving", "replying"],
    *["email", "confirm_email", "disclosed_on", "scope", "username", "password", "next"],
]
NOT_POSTED = re.compile(r"^(logout|admin:.*)$")
ROLES = ["anonymous", "staff of another POK", "staff", "superuser"]
LINKED_QUERY = re.compile(r'href="[^"?]*\?([^"#]*)')
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


class RecordingQueryDict(QueryDict):
    """request.GET that notes every name a view asks for."""

    asked: set[str] = set()

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)


@pytest.fixture
def recording_get(monkeypatch):
    def recording(request):
        if "_recording_get" not in request.__dict__:
            request.__dict__["_recording_get"] = RecordingQueryDict(request.META.get("QUERY_STRING", ""))
        return request.__dict__["_recording_get"]

    monkeypatch.setattr(WSGIRequest, "GET", property(recording))
    RecordingQueryDict.asked = set()
    return RecordingQueryDict


@pytest.fixture
def world(pok_a, pok_b, anna, bob, client, settings):
    """One object of every kind a URL names, and a client per role."""
    # The shop module's endpoints answer 503 while they are not configured: configured, they are walked.
    settings.CRM_SHOP_SHARED_SECRETS = ("s" * 40,)
    # /healthz answers 503 for a POK never synced (by design): with its checks off it is walked for 500s.
    settings.CRM_HEALTH_MAX_SYNC_AGE = settings.CRM_HEALTH_MAX_OUTBOX_AGE = 0
    root = make_staff("root", superuser=True)
    message = receive(
        pok_a,
        html='<p>Hi</p><img src="cid:p@x">',
        inline_images=[("p@x", PNG)],
        attachments=[("a.txt", b"data", "text", "plain")],
    )
    thread = message.thread
    reply = services.reply(thread, author=anna, text="answer", then_status=Status.WAITING)
    Message.objects.filter(pk=reply.pk).update(delivery="failed")
    canned = CannedReply.objects.create(name="Hello", language=pok_a.language, text="Hello {first_name}")
    disclosure = Disclosure.objects.create(email="jan@example.com", disclosed_on="2026-01-02", recipient="R", scope="S")
    # A failed login, so that the throttling tables in the admin have a row.
    Client().post("/login/", {"username": "anna", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    values = {
        "pok_id": pok_a.pk,
        "public_id": thread.public_id,
        "canned_id": canned.pk,
        "pk": disclosure.pk,
        "job": "send_outbox",
        "table": "days",
        "app_label": "threads",
        "id": root.pk,
        "content_type_id": ContentType.objects.get_for_model(Thread).pk,
        "url": "unknown",
    }
    by_name = {
        "threads:retry": {"message_id": reply.pk},
        "threads:give_up": {"message_id": reply.pk},
        "threads:raw": {"message_id": message.pk},
        "threads:attachment": {"attachment_id": message.attachments.get(is_inline=False).pk},
        "threads:inline": {"attachment_id": message.attachments.get(is_inline=True).pk},
        "admin:view_on_site": {"object_id": thread.pk},
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in [("staff of another POK", bob), ("staff", anna), ("superuser", root)]:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    return {"values": values, "by_name": by_name, "clients": clients}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(name, full route) of every pattern of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield f"{namespace}{pattern.name}", route


def fill(name: str, route: str, world) -> tuple[str, list[str]]:
    """The route as a path with real ids, and the values standing in it (the URL parts to spoil)."""
    values = {**world["values"], **world["by_name"].get(name, {})}
    admin_model = re.match(r"admin/(\w+)/(\w+)/<path:object_id>/", route)
    if admin_model and "object_id" not in values:
        model = apps.get_model(*admin_model.groups())
        first = model.objects.order_by("pk").first()
        values["object_id"] = first.pk if first else 1
    used = []

    def value(match):
        used.append(str(values[match.group(1)]))
        return used[-1]

    path = REGEX_GROUP.sub(value, route).replace("^", "").replace("$", "")
    path = "/" + ROUTE_PARAMETER.sub(value, path)
    assert resolve(path).route == route.replace("^", ""), f"{path} does not resolve to {route}"
    return path, used


def spoiled_paths(path: str, parts: list[str]):
    """The path with each of its filled-in parts replaced by each bad value."""
    segments = path.split("/")
    for index, segment in enumerate(segments):
        for part in parts:
            if segment == part or segment.startswith(part + "."):
                for label, bad in BAD_VALUES.items():
                    spoiled = [*segments[:index], bad + segment[len(part) :], *segments[index + 1 :]]
                    yield label, "/".join(spoiled)


def parameters_read(client, path, recording) -> set[str]:
    """The GET names the page asks for, and those it links to (its sort, page and filter links)."""
    recording.asked = set()
    response = client.get(path)
    assert response.status_code < 500, f"GET {path} (no parameters) gave {response.status_code}"
    names = set(recording.asked)
    if response.get("Content-Type", "").startswith("text/html"):
        for query in LINKED_QUERY.findall(response.content.decode()):
            names |= {pair.split("=", 1)[0] for pair in query.replace("&amp;", "&").split("&") if pair}
    return names


def check(client, url, label, failures, body=None):
    if body is None:
        response = client.get(url)
    else:
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    refused = label in REFUSED_AT_THE_DOOR and body is None
    if response.status_code >= 500 or (refused and response.status_code != 400):
        error = getattr(response, "exc_info", None)
        detail = repr(error[1]) if error else ""
        failures.append(
            f"{response.status_code} {label}: {'POST ' + body[:80] if body else 'GET'} {url[:150]} {detail}"
        )


@pytest.mark.parametrize("role", ROLES)
def test_no_url_gives_500_on_bad_input(world, role, recording_get):
    client = world["clients"][role]
    failures = []
    read_somewhere = set()
    for name, route in url_patterns():
        path, parts = fill(name, route, world)
        read = parameters_read(client, path, recording_get)
        read_somewhere |= read
        for label, bad in BAD_VALUES.items():
            everything = "&".join(f"{quote(parameter)}={bad}" for parameter in sorted(read | set(KNOWN_PARAMETERS)))
            check(client, f"{path}?{everything}", label, failures)
            for parameter in sorted(read):
                check(client, f"{path}?{quote(parameter)}={bad}", label, failures)
        for label, spoiled in spoiled_paths(path, parts):
            check(client, spoiled, label, failures)
    assert not failures, f"{len(failures)} bad answers:\n" + "\n".join(failures[:40])
    if role in ("staff", "superuser"):
        # The discovery works: the lists' filters, the tables' sorting and the card's address were seen.
        assert {"date_from", "date_to", "sort", "page", "email", "q", "after", "poks"} <= read_somewhere
    if role == "superuser":
        assert {"o", "q", "active__exact", "language__exact"} <= read_somewhere


@pytest.mark.parametrize("role", ROLES)
def test_no_form_gives_500_on_bad_input(world, role):
    """The same bad values POSTed in every form field, all at once and (as the superuser, who reaches
    every form) one by one."""
    client = world["clients"][role]
    failures = []
    for name, route in url_patterns():
        if NOT_POSTED.match(name):
            continue
        path, _parts = fill(name, route, world)
        for label, bad in BAD_VALUES.items():
            check(client, path, label, failures, body="&".join(f"{field}={bad}" for field in FORM_FIELDS))
            if role == "superuser":
                for field in FORM_FIELDS:
                    check(client, path, label, failures, body=f"{field}={bad}")
    assert not failures, f"{len(failures)} bad answers:\n" + "\n".join(failures[:40])
    assert logged_in_as(client, role), "the walk must not have logged the client out"


def logged_in_as(client, role) -> bool:
    answer = client.get("/").status_code
    return answer == 302 if role == "anonymous" else answer == 200
