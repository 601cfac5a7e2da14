from datetime import date, timedelta

import pytest
from django.utils import timezone

from mailsync.storing import store_message
from tests.factories import make_staff
from tests.mailsync.mails import mail
from threads import services
from threads.filtering import ThreadQuery, filter_threads
from threads.models import Status, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(pok):
    def receive(subject, body, sender, days_ago=0):
        when = timezone.now() - timedelta(days=days_ago)
        return store_message(pok, mail(subject=subject, body=body, sender=sender, when=when))[1].thread

    return {
        "parcel": receive("Gdzie jest paczka?", "Zamówienie XKBKNABJK nie dotarło do Łodzi.", "Jan <jan@example.pl>"),
        "invoice": receive("Faktura", "Proszę o fakturę za zamówienie nr 10234, żółć.", "Zofia <zofia@firma.pl>", 3),
        "return": receive("Zwrot towaru", "Chcę oddać plecak.", "Piotr <piotr@example.com>", 10),
    }


def found(query: ThreadQuery) -> set[str]:
    return set(filter_threads(Thread.objects.all(), query).values_list("subject", flat=True))


def test_full_text_ignores_national_characters_both_ways(threads):
    assert found(ThreadQuery(text="lodzi")) == {"Gdzie jest paczka?"}
    assert found(ThreadQuery(text="ZOLC")) == {"Faktura"}
    assert found(ThreadQuery(text="żółć faktura")) == {"Faktura"}
    assert found(ThreadQuery(text="plecak")) == {"Zwrot towaru"}
    assert found(ThreadQuery(text="pleca")) == {"Zwrot towaru"}, "prefixes match"
    assert found(ThreadQuery(text="nothing-like-this")) == set()


def test_filters(threads, pok):
    assert found(ThreadQuery(subject="faktur")) == {"Faktura"}
    assert found(ThreadQuery(sender="firma.pl")) == {"Faktura"}
    assert found(ThreadQuery(order="XKBKNABJK")) == {"Gdzie jest paczka?"}
    assert found(ThreadQuery(order="10234")) == {"Faktura"}
    services.change_status(threads["return"], status=Status.ARCHIVED)
    assert found(ThreadQuery(status=Status.ARCHIVED)) == {"Zwrot towaru"}
    anna = make_staff("anna", pok)
    services.assign_owner(threads["parcel"], owner=anna)
    assert found(ThreadQuery(owner=str(anna.pk))) == {"Gdzie jest paczka?"}
    assert found(ThreadQuery(owner="none")) == {"Faktura", "Zwrot towaru"}
    today = timezone.localdate()
    assert found(ThreadQuery(date_from=today - timedelta(days=5))) == {"Gdzie jest paczka?", "Faktura"}
    assert found(ThreadQuery(date_to=today - timedelta(days=5))) == {"Zwrot towaru"}
    assert found(ThreadQuery(date_from=date(2000, 1, 1), text="paczka", sender="jan@")) == {"Gdzie jest paczka?"}


def test_punctuation_only_query_filters_nothing(threads):
    assert len(found(ThreadQuery(text="' & | ! :*"))) == 3


def test_full_text_uses_the_gin_index_on_postgresql(threads):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the full-text index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT thread_id FROM threads_message "
            "WHERE to_tsvector('crm_unaccent', subject || ' ' || reply_text) @@ to_tsquery('crm_unaccent', 'paczka:*')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "message_full_text" in plan


def test_quoted_history_does_not_match_the_reply(pok):
    body = "Dziękuję.\n\nW dniu 23.11.2026 o 10:00, Sklep pisze:\n> Paczka nadana w Krakowie\n"
    store_message(pok, mail(subject="Re: zamówienie", body=body))
    assert found(ThreadQuery(text="krakowie")) == set()
    assert found(ThreadQuery(text="dziekuje")) == {"Re: zamówienie"}
