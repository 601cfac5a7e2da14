"""A small world for the personal-data tests: the demo shop's Jan Kowalski and Zofia Zażółć,
their threads written the way mail sync and the thread services write them."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from customers.demo import seed_shop
from customers.models import Customer, Disclosure
from mailsync.storing import store_message
from tests.factories import make_pok, make_staff
from tests.mailsync.mails import mail
from threads import services
from threads.models import Direction, Message, Thread

JAN = "jan.kowalski@example.com"
ZOFIA = "zofia.zazolc@example.com"
GRZEGORZ = "grzegorz.ges@example.com"
PDF_BYTES = b"%PDF-1.4 invoice of Jan"


@dataclass
class World:
    pok: object
    admin: object
    dpo: object
    clerk: object
    jan_thread: Thread
    zofia_thread: Thread
    grzegorz_thread: Thread
    stray_thread: Thread
    jan_in_zofia: Message
    to_jan_in_zofia: Message
    cc_jan_in_zofia: Message


def incoming(pok, sender, subject="Pytanie o zamówienie", **options) -> Message:
    status, message = store_message(pok, mail(subject=subject, sender=sender, **options))
    assert message is not None, status
    return message


def make_dpo(username="dpo", *poks):
    user = make_staff(username, *poks)
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return user


def build_world() -> World:
    seed_shop(customers=5)
    # PrestaShop compares e-mails ignoring case; the mirror keeps what the shop wrote.
    Customer.objects.filter(id_customer=2).update(email="Jan.Kowalski@Example.com")
    pok = make_pok()
    admin = make_staff("admin", superuser=True)
    clerk = make_staff("clerk", pok)
    dpo = make_dpo("dpo")

    first = incoming(
        pok,
        f"Jan Kowalski <{JAN}>",
        body="Gdzie jest moja paczka? Dzwońcie: 600 100 200",
        attachments=[("faktura-jan.pdf", PDF_BYTES, "application/pdf")],
    )
    jan_thread = first.thread
    services.reply(jan_thread, author=clerk, text="Paczka wyszła wczoraj.")
    services.add_note(jan_thread, author=clerk, text="Klient prosił o kontakt po 16.")

    zofia_thread = incoming(pok, f"Zofia Zażółć <{ZOFIA}>", subject="Reklamacja").thread
    jan_in_zofia = incoming(
        pok, f"Jan Kowalski <{JAN}>", subject=f"Re: [{zofia_thread.token}] Reklamacja", body="Piszę w sprawie Zofii."
    )
    to_jan_in_zofia = Message.objects.create(
        thread=zofia_thread,
        pok=pok,
        direction=Direction.OUTGOING,
        from_address=pok.from_address,
        to=f"Jan Kowalski <{JAN}>",
        date=timezone.now(),
        subject="Odp: Reklamacja",
        body_text="Dziękujemy, Janie.",
    )
    cc_jan_in_zofia = incoming(
        pok,
        f"Zofia Zażółć <{ZOFIA}>",
        subject=f"Re: [{zofia_thread.token}] Reklamacja",
        headers={"Cc": f"Jan <{JAN}>, x.{JAN}"},
        body="Przesyłam Janowi do wiadomości.",
    )
    # Only a look-alike address: not Jan's.
    incoming(pok, f"Ktoś <a{JAN}>", subject=f"Re: [{zofia_thread.token}] Reklamacja", body="Nie Jan.")

    grzegorz_thread = incoming(
        pok,
        f"Grzegorz Gęś <{GRZEGORZ}>",
        subject="Faktura",
        attachments=[("faktura-g.pdf", PDF_BYTES, "application/pdf")],
    ).thread
    # Started by staff for someone else, answered only by Jan: nothing in it is anyone else's.
    stray_thread = services.create_thread(pok, subject="Ankieta", customer_email="ankieta@example.net")
    incoming(pok, f"Jan Kowalski <{JAN}>", subject=f"Re: [{stray_thread.token}] Ankieta", body="Moja ankieta.")

    Disclosure.objects.create(
        email=JAN,
        disclosed_on=timezone.localdate(),
        recipient="Kurier DPD Polska",
        scope="imię, nazwisko, adres dostawy",
        created_by=admin,
    )
    Disclosure.objects.create(
        email=ZOFIA, disclosed_on=timezone.localdate(), recipient="Biuro rachunkowe", scope="faktury"
    )
    return World(
        pok,
        admin,
        dpo,
        clerk,
        jan_thread,
        zofia_thread,
        grzegorz_thread,
        stray_thread,
        jan_in_zofia,
        to_jan_in_zofia,
        cc_jan_in_zofia,
    )


@pytest.fixture
def world(db):
    return build_world()
