"""/healthz: database, sync age per POK, outbox backlog; public, so it names no host, user or error."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pok.models import Pok
from tests.factories import make_pok
from threads import services
from threads.models import Delivery, Direction, Message

HEALTHZ = reverse("healthz")


def health(client=None):
    response = (client or Client()).get(HEALTHZ)
    return response.status_code, response.json()


def synced(pok, ago: timedelta) -> Pok:
    Pok.objects.filter(pk=pok.pk).update(last_success_at=timezone.now() - ago)
    return pok


def outgoing(pok, delivery, queued_ago: timedelta, next_attempt=True) -> Message:
    thread = services.create_thread(pok, subject="Odpowiedź", customer_email="klient@example.pl")
    message = Message.objects.create(
        thread=thread,
        pok=pok,
        direction=Direction.OUTGOING,
        date=timezone.now(),
        delivery=delivery,
        next_attempt_at=timezone.now() if next_attempt else None,
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - queued_ago)
    return message


def test_empty_instance_is_healthy(db):
    status, report = health()
    assert status == 200
    assert report == {
        "status": "ok",
        "database": "ok",
        "poks": [],
        "outbox": {"ok": True, "pending": 0, "oldest_pending_age_seconds": None, "failed_waiting_for_a_person": 0},
    }


def test_a_recent_sync_is_healthy_and_a_stale_or_missing_one_is_not(db, settings):
    settings.CRM_HEALTH_MAX_SYNC_AGE = 600
    fresh = synced(make_pok(name="Fresh"), timedelta(minutes=3))
    status, report = health()
    assert status == 200
    [pok] = report["poks"]
    assert pok["id"] == fresh.pk and pok["ok"] and 175 <= pok["last_successful_sync_age_seconds"] <= 185

    stale = synced(make_pok(name="Stale"), timedelta(minutes=11))
    never = make_pok(name="Never")
    make_pok(name="Switched off", active=False)  # not watched
    status, report = health()
    assert status == 503 and report["status"] == "fail"
    by_id = {pok["id"]: pok for pok in report["poks"]}
    assert set(by_id) == {fresh.pk, stale.pk, never.pk}
    assert by_id[fresh.pk]["ok"] and not by_id[stale.pk]["ok"] and not by_id[never.pk]["ok"]
    assert by_id[never.pk]["last_successful_sync_age_seconds"] is None

    settings.CRM_HEALTH_MAX_SYNC_AGE = 0  # the check left out
    assert health()[0] == 200


def test_an_old_outbox_backlog_is_unhealthy_a_mail_given_up_is_only_counted(db, settings):
    settings.CRM_HEALTH_MAX_OUTBOX_AGE = 1800
    pok = synced(make_pok(), timedelta(0))
    outgoing(pok, Delivery.QUEUED, timedelta(minutes=2))
    outgoing(pok, Delivery.FAILED, timedelta(hours=5), next_attempt=False)  # waits for a person
    outgoing(pok, Delivery.SENT, timedelta(days=3))
    status, report = health()
    assert status == 200
    assert report["outbox"]["pending"] == 1 and report["outbox"]["failed_waiting_for_a_person"] == 1

    outgoing(pok, Delivery.FAILED, timedelta(minutes=45))  # still being retried
    status, report = health()
    assert status == 503
    assert not report["outbox"]["ok"] and report["outbox"]["pending"] == 2
    assert 44 * 60 <= report["outbox"]["oldest_pending_age_seconds"] <= 46 * 60


def test_nothing_secret_is_shown(db):
    pok = make_pok(name="Sklep Tajny", imap_host="imap.secret-host.example", imap_user="tajny-login")
    Pok.objects.filter(pk=pok.pk).update(last_error="LOGIN failed for tajny-login at imap.secret-host.example")
    body = Client().get(HEALTHZ).content.decode()
    for secret in ("secret-host", "tajny", "Tajny", "LOGIN", "imap-secret"):
        assert secret not in body


def test_the_query_count_is_fixed(db, django_assert_num_queries):
    pok = synced(make_pok(), timedelta(0))
    with django_assert_num_queries(2):
        Client().get(HEALTHZ)
    for n in range(5):
        synced(make_pok(name=f"POK {n}"), timedelta(0))
        outgoing(pok, Delivery.QUEUED, timedelta(minutes=n))
    with django_assert_num_queries(2):
        assert health()[1]["outbox"]["pending"] == 5


def test_only_get(db):
    assert Client().post(HEALTHZ).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_is_503(tmp_path):
    """A real failure: the connection pointed at no server (PostgreSQL) or an impossible file (SQLite)."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        from tests.servers._local import free_port

        connection.settings_dict["PORT"] = free_port()
    try:
        status, report = health()
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert status == 503
    assert report == {"status": "fail", "database": "unreachable"}
