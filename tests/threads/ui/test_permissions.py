"""Every thread URL (and the overview) as staff of another POK, as a non-staff user and as a visitor."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import PNG, receive
from threads import services, urls
from threads.models import CannedReply, Direction, Message, Status, Thread

# name -> (method, data): the method the view answers; every other method answers 405 before any data is read.
ACTIONS = {
    "inbox": ("get", None),
    "archive": ("get", None),
    "spam": ("get", None),
    "next": ("get", None),
    "mine": ("get", None),
    "signature": ("get", None),
    "bulk": ("post", {"action": "status:archived", "scope": "mine", "all": "1"}),
    "live": ("get", {"loaded": "1700000000"}),
    "new": ("post", {"recipient": "x@example.com", "subject": "s", "text": "t", "action": "wait"}),
    "new_for_customer": ("get", {"pok": "pok_id", "recipient": "x@example.com"}),
    "detail": ("get", None),
    "reply": ("post", {"text": "hello", "action": "archive"}),
    "state": ("post", {"status": "archived", "owner": ""}),
    "unread": ("post", {}),
    "canned": ("get", None),
    "presence": ("post", {"replying": "1"}),
    "retry": ("post", {}),
    "give_up": ("post", {}),
    "mark_spam": ("post", {}),
    "not_spam": ("post", {}),
    "attachment": ("get", None),
    "inline": ("get", None),
    "raw": ("get", None),
}
# Pages that name no POK or thread: everyone gets their own, which must not show others' threads.
PERSONAL = {"mine", "signature", "live"}
# Actions that name no POK or thread: they act on what the user sees and go back (tests/threads/ui/test_bulk.py).
OWN_THREADS = {"bulk"}
# GET pages that answer with a redirect.
REDIRECTS = {"next", "new_for_customer"}


@pytest.fixture
def foreign(pok_a, anna):
    """A thread of pok_a with every kind of object an URL can name."""
    message = receive(
        pok_a,
        html='<img src="cid:p@x">',
        inline_images=[("p@x", PNG)],
        attachments=[("a.txt", b"secret", "text", "plain")],
    )
    thread = message.thread
    services.assign_owner(thread, owner=anna)
    reply = services.reply(thread, author=anna, text="answer", then_status=Status.WAITING)
    Message.objects.filter(pk=reply.pk).update(delivery="failed")
    canned = CannedReply.objects.create(name="Hello", language=pok_a.language, text="Hello {first_name}")
    return {
        "pok_id": pok_a.pk,
        "public_id": thread.public_id,
        "message_id": reply.pk,
        "attachment_id": message.attachments.get(is_inline=False).pk,
        "inline_id": message.attachments.get(is_inline=True).pk,
        "raw_id": message.pk,
        "canned_id": canned.pk,
    }


def thread_urls(objects):
    """(name, url, method, data) of every URL of the threads app, filled with `objects`."""
    assert {p.name for p in urls.urlpatterns} == set(ACTIONS), "every thread URL must be in the permission walk"
    for pattern in urls.urlpatterns:
        route = str(pattern.pattern)
        kwargs = {key: objects[key] for key in ("pok_id", "public_id", "canned_id") if f":{key}>" in route}
        if ":message_id>" in route:
            kwargs["message_id"] = objects["raw_id" if pattern.name == "raw" else "message_id"]
        if ":attachment_id>" in route:
            kwargs["attachment_id"] = objects["inline_id" if pattern.name == "inline" else "attachment_id"]
        method, data = ACTIONS[pattern.name]
        if data and data.get("pok") == "pok_id":  # a POK named in the query string
            data = {**data, "pok": objects["pok_id"]}
        yield pattern.name, reverse(f"threads:{pattern.name}", kwargs=kwargs), method, data


def snapshot(public_id):
    thread = Thread.objects.get(public_id=public_id)
    return (
        thread.status,
        thread.owner_id,
        thread.messages.count(),
        Thread.objects.count(),
        thread.messages.filter(direction=Direction.OUTGOING, delivery="failed").count(),
        thread.presences.count(),
    )


def test_staff_of_another_pok_get_404_everywhere_and_change_nothing(client, bob, foreign):
    client.force_login(bob)
    before = snapshot(foreign["public_id"])
    walked = 0
    for name, url, method, data in thread_urls(foreign):
        response = getattr(client, method)(url, data or {})
        if name in PERSONAL:
            assert response.status_code == 200 and foreign["public_id"] not in response.content.decode(), name
        elif name in OWN_THREADS:
            assert response.status_code == 302, name
        else:
            assert response.status_code == 404, f"{name} {url} answered {response.status_code}"
        walked += 1
    assert walked == len(ACTIONS)
    assert snapshot(foreign["public_id"]) == before
    overview = client.get(reverse("overview")).content.decode()
    assert "Shop A" not in overview and "Shop B" in overview


def test_users_without_staff_status_get_403_everywhere(client, foreign, pok_a):
    user = get_user_model().objects.create_user("customer", password="x")
    client.force_login(user)
    for name, url, method, data in [("overview", reverse("overview"), "get", None), *thread_urls(foreign)]:
        assert getattr(client, method)(url, data or {}).status_code == 403, name


def test_visitors_are_sent_to_log_in(client, foreign):
    for name, url, method, data in [("overview", reverse("overview"), "get", None), *thread_urls(foreign)]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_the_poks_own_staff_reach_every_url(anna_client, foreign):
    for name, url, method, data in thread_urls(foreign):
        response = getattr(anna_client, method)(url, data or {})
        assert response.status_code in (200, 302), f"{name} {url} answered {response.status_code}"


def test_superusers_reach_every_pok(client, foreign):
    client.force_login(make_staff("root", superuser=True))
    for name, url, method, data in thread_urls(foreign):
        if method == "get":
            assert client.get(url, data or {}).status_code == (302 if name in REDIRECTS else 200), name


def test_get_only_pages_refuse_other_methods(anna_client, foreign):
    for name, url, method, _data in thread_urls(foreign):
        other = anna_client.post if method == "get" else anna_client.get
        if name in ("new", "signature"):  # form pages: GET shows the form, POST sends it
            continue
        assert other(url).status_code == 405, name
