"""What the personal-data report collects: every kind of row of the person, nothing of anyone else."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.threads.gdpr.conftest import JAN, ZOFIA, incoming
from threads import services
from threads.gdpr import collect as gdpr
from threads.models import Direction


def test_collects_every_kind_of_row_of_the_person(world):
    data = gdpr.collect("  Jan.Kowalski@EXAMPLE.com ")

    assert data.email == JAN
    assert [a.customer.id_customer for a in data.accounts] == [1, 2]  # the guest account has capitals
    jan = data.accounts[0]
    assert jan.customer.company == "Gęś i Syn sp. z o.o."
    assert [(a.city, a.country_name) for a in jan.addresses] == [("Łódź", "Poland")]  # in the UI language
    assert len(jan.orders) == 3
    order = jan.orders[0]
    assert order.order.reference and order.state and order.carrier and order.products
    assert all(line.product_name for line in order.products)

    assert [t.pk for t in data.threads] == [world.jan_thread.pk]
    directions = sorted(m.direction for m in data.thread_messages)
    assert directions == sorted([Direction.INCOMING, Direction.OUTGOING, Direction.NOTE])
    assert [a.filename for a in data.erasable_attachments] == ["faktura-jan.pdf"]

    roles = {o.message.pk: o.role for o in data.other_messages}
    assert roles[world.jan_in_zofia.pk] == "from"
    assert roles[world.to_jan_in_zofia.pk] == "to"
    assert roles[world.cc_jan_in_zofia.pk] == "cc"
    assert len(roles) == 4  # and Jan's answer in the stray thread
    assert [d.recipient for d in data.disclosures] == ["Kurier DPD Polska"]


def test_collects_nothing_of_other_people(world):
    data = gdpr.collect(JAN)
    assert all(a.customer.email.lower() == JAN for a in data.accounts)
    assert world.zofia_thread.pk not in {t.pk for t in data.threads}
    others = {o.message.pk for o in data.other_messages}
    assert not others & set(world.zofia_thread.messages.filter(from_address=ZOFIA, cc="").values_list("pk", flat=True))
    assert all(o.message.from_address != "a" + JAN for o in data.other_messages)

    zofia = gdpr.collect(ZOFIA)
    assert [a.customer.lastname for a in zofia.accounts] == ["Zażółć"]
    assert [t.pk for t in zofia.threads] == [world.zofia_thread.pk]
    assert {m.from_address for m in zofia.thread_messages} >= {ZOFIA, JAN}  # her thread holds Jan's mail too
    assert zofia.other_messages == []
    assert [d.recipient for d in zofia.disclosures] == ["Biuro rachunkowe"]


def test_an_unknown_address_collects_nothing(world):
    data = gdpr.collect("nobody@example.org")
    assert (data.accounts, data.threads, data.other_messages, data.disclosures) == ([], [], [], [])


def _queries(email) -> int:
    with CaptureQueriesContext(connection) as queries:
        gdpr.collect(email)
    return len(queries)


def test_a_fixed_number_of_queries_whatever_the_size(world):
    before = _queries(JAN)
    for n in range(3):
        thread = incoming(
            world.pok,
            f"Jan <{JAN}>",
            subject=f"Kolejne pytanie {n}",
            attachments=[(f"zdjecie{n}.jpg", b"\xff\xd8jpeg", "image/jpeg")],
        ).thread
        services.add_note(thread, author=world.clerk, text=f"notatka {n}")
    incoming(world.pok, f"Jan <{JAN}>", subject=f"Re: [{world.zofia_thread.token}] Reklamacja")
    assert _queries(JAN) == before == 14
