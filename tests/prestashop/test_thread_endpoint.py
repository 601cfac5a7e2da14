"""The read-only thread endpoint, asked by the module's own client (php-cli) over HTTP."""

import datetime
import json
import time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_pok
from tests.prestashop.conftest import SECRET
from threads.models import Direction, Message, Status, Thread

OTHER_SECRET = "another-secret-0123456789-abcdefghijklmn"


def add_thread(pok, email, subject, status, minutes_ago, *mails):
    moment = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    thread = Thread.objects.create(
        pok=pok, subject=subject, customer_email=email, status=status, last_message_at=moment, message_count=len(mails)
    )
    for offset, (direction, text) in enumerate(mails):
        Message.objects.create(
            thread=thread,
            pok=pok,
            direction=direction,
            date=moment - datetime.timedelta(minutes=len(mails) - offset),
            reply_text=text,
        )
    return thread


@pytest.fixture
def threads(db):
    shop, wholesale = make_pok(name="Sklep BOK"), make_pok(name="Hurt")
    older = add_thread(
        shop, "jan@example.com", "Zwrot", Status.ARCHIVED, 600, (Direction.INCOMING, "Chcę zwrócić buty.")
    )
    newer = add_thread(
        wholesale,
        "jan@example.com",
        "Gdzie paczka?",
        Status.WAITING,
        5,
        (Direction.INCOMING, "Dzień dobry,\n\nkiedy   wyślecie paczkę?"),
        (Direction.OUTGOING, "Paczka wyszła wczoraj."),
        (Direction.NOTE, "Klient dzwonił, notatka wewnętrzna."),
    )
    add_thread(shop, "anna@example.com", "Faktura", Status.NEW, 1, (Direction.INCOMING, "Proszę o fakturę."))
    return newer, older


@pytest.fixture
def endpoint(live_server, shared_secret):
    return live_server.url


def test_module_client_gets_the_customers_threads_newest_first(php, endpoint, threads):
    newer, older = threads
    result = php.json("threads", endpoint, SECRET, "Jan@Example.com")
    assert result["ok"] is True, result["error"]
    assert result["total"] == 2
    assert result["customer_path"] == "/customer/?email=jan%40example.com"
    first, second = result["threads"]
    assert [first["id"], second["id"]] == [newer.public_id, older.public_id]
    assert (first["subject"], first["status"], first["pok"], first["message_count"]) == (
        "Gdzie paczka?",
        "waiting",
        "Hurt",
        3,
    )
    # The last mail, not the internal note after it.
    assert (first["last_message"], first["last_direction"]) == ("Paczka wyszła wczoraj.", "out")
    assert first["path"] == reverse("threads:detail", args=[newer.public_id])
    assert (second["last_message"], second["status"]) == ("Chcę zwrócić buty.", "archived")
    expected_local = newer.last_message_at.astimezone(ZoneInfo("Europe/Warsaw"))  # the cli's PHP time zone
    assert first["last_message_local"] == f"{expected_local:%Y-%m-%d %H:%M}"


def test_customer_without_threads_gets_an_empty_list(php, endpoint, threads):
    result = php.json("threads", endpoint, SECRET, "nikt@example.com")
    assert (result["ok"], result["total"], result["threads"]) == (True, 0, [])


def test_request_signed_with_another_secret_is_refused(php, endpoint, threads):
    result = php.json("threads", endpoint, OTHER_SECRET, "jan@example.com")
    assert result["ok"] is False
    assert result["error"].startswith("HTTP 401: forged")
    assert result["threads"] == []


def test_old_request_is_refused(php, endpoint, threads):
    result = php.json("threads", endpoint, SECRET, "jan@example.com", int(time.time()) - 1000)
    assert result["error"].startswith("HTTP 401: expired")


def test_crm_without_a_secret_answers_503(php, endpoint, threads, settings):
    settings.CRM_SHOP_SHARED_SECRETS = ()
    assert php.json("threads", endpoint, SECRET, "jan@example.com")["error"].startswith("HTTP 503")


def test_unreachable_crm_is_an_error_not_a_crash(php, threads):
    result = php.json("threads", "http://127.0.0.1:9", SECRET, "jan@example.com")
    assert result["ok"] is False and "no answer from http://127.0.0.1:9" in result["error"]


def signed_get(client, php, url, secret=SECRET, **extra):
    headers = php.json("headers", secret, "http://testserver" + url, int(time.time()))
    return client.get(url, headers=headers, **extra)


@pytest.mark.django_db
def test_the_signature_covers_the_query(client, php, shared_secret, threads):
    headers = php.json(
        "headers", SECRET, "http://testserver/shop/api/threads/?email=anna%40example.com", int(time.time())
    )
    response = client.get("/shop/api/threads/?email=jan%40example.com", headers=headers)
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Crmlink-Timestamp": "soon", "X-Crmlink-Signature": "0" * 64},
        {"X-Crmlink-Timestamp": "1", "X-Crmlink-Signature": "zz"},
    ],
)
def test_missing_or_malformed_signature_headers_answer_400(client, shared_secret, headers):
    response = client.get("/shop/api/threads/?email=jan%40example.com", headers=headers)
    assert response.status_code == 400
    assert "error" in json.loads(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "nonsense", "a\x00@example.com", "x" * 300 + "@example.com"])
def test_bad_email_answers_400(client, php, shared_secret, email):
    response = signed_get(client, php, "/shop/api/threads/?" + urlencode({"email": email}))
    assert response.status_code == 400


@pytest.mark.django_db
def test_post_is_not_allowed(client, shared_secret):
    assert client.post("/shop/api/threads/?email=jan%40example.com").status_code == 405


@pytest.mark.django_db
def test_answer_takes_two_queries_whatever_the_number_of_threads(
    client, php, shared_secret, threads, django_assert_max_num_queries
):
    pok = threads[0].pok
    for number in range(30):
        add_thread(pok, "jan@example.com", f"Wątek {number}", Status.NEW, 100 + number, (Direction.INCOMING, "tekst"))
    with django_assert_max_num_queries(2):
        response = signed_get(client, php, "/shop/api/threads/?email=jan%40example.com")
    body = json.loads(response.content)
    assert (body["total"], len(body["threads"])) == (32, 20)
