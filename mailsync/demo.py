"""Demo helpdesk: two POKs (Polish, English), staff, threads in every status.

Customer mail goes through the real import path (raw MIME -> storing), staff
replies and notes through the thread services; demo replies are then marked
as sent instead of going out, since the demo servers do not exist.
"""

from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mailsync.storing import store_message
from pok.models import Pok, PokStaff
from threads import services
from threads.models import Delivery, Message, Status, Thread, ThreadEvent

DEMO_PASSWORD = "demo-crm-2026"
STAFF = [("anna", "Anna", "Nowak"), ("john", "John", "Smith")]
STAFF_MAIL_DOMAIN = "crm-demo.example"  # staff have addresses, so that the digest and hand-over notices can be tried
POKS = [
    ("Sklep Gęś – BOK", "pl", "bok@sklep-ges.example", "Sklep Gęś – Biuro Obsługi Klienta", ["demo", "anna"]),
    ("Goose Shop – Support", "en", "support@goose-shop.example", "Goose Shop Support", ["demo", "john"]),
]
# POK index, customer name, e-mail, subject, first message, staff reply or None, customer follow-up or None, status
CONVERSATIONS = [
    (
        0,
        "Jan Kowalski",
        "jan.kowalski@example.com",
        "Gdzie jest moja paczka?",
        "Dzień dobry,\nzamówiłem kubek tydzień temu i paczka jeszcze nie dotarła. Co się dzieje?\nJan Kowalski",
        "Dzień dobry,\npaczka została nadana w InPost, numer śledzenia jest na karcie zamówienia.\nPozdrawiamy",
        "Dziękuję, ale w paczkomacie jej nie ma. Czy możecie sprawdzić?",
        Status.NEW,
    ),
    (
        0,
        "Zofia Zażółć",
        "zofia.zazolc@example.com",
        "Reklamacja – uszkodzony kubek",
        "Witam,\nkubek przyszedł pęknięty, w załączniku zdjęcie.\nZofia",
        None,
        None,
        Status.NEW,
    ),
    (
        0,
        "Grzegorz Gęś",
        "grzegorz.ges@example.com",
        "Faktura VAT na firmę",
        "Proszę o fakturę na firmę Zażółć Handel s.c., NIP 526-104-08-28.",
        "Dzień dobry,\nfaktura zostanie wysłana jutro.\nPozdrawiamy",
        None,
        Status.WAITING,
    ),
    (
        0,
        "Łukasz Świątek",
        "lukasz.swiatek@example.com",
        "Zwrot towaru",
        "Chcę zwrócić plecak, jak to zrobić?",
        "Dzień dobry,\nformularz zwrotu jest w zakładce Zwroty. Zwrot przyjęty.",
        None,
        Status.ARCHIVED,
    ),
    (
        1,
        "Jan Kowalski",
        "jan.kowalski@example.com",
        "Invoice copy",
        "Hello,\ncould you send me a copy of my last invoice?\nJan",
        None,
        None,
        Status.NEW,
    ),
    (
        1,
        "Grzegorz Gęś",
        "grzegorz.ges@example.com",
        "Bulk order discount",
        "Do you offer discounts for 50 mugs?",
        "Hello,\nyes: 10% above 30 pieces. Shall we prepare an offer?",
        None,
        Status.WAITING,
    ),
    (
        1,
        "Zofia Zażółć",
        "zofia.zazolc@example.com",
        "Thank you",
        "The parcel arrived, thank you!",
        "You are welcome, enjoy!",
        None,
        Status.ARCHIVED,
    ),
    (
        0,
        "Loteria",
        "wygrana@lotto-nagrody.example",
        "Wygrałeś iPhone!",
        "Kliknij link, aby odebrać nagrodę.",
        None,
        None,
        Status.SPAM,
    ),
]
PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005"
    "0001ff5a1d8c9e0000000049454e44ae426082"
)


def seed_helpdesk() -> dict:
    if Pok.objects.filter(name=POKS[0][0]).exists():
        return {"poks": 0, "threads": 0}
    with transaction.atomic():
        users = _staff()
        poks = [_pok(users, *spec) for spec in POKS]
        for number, conversation in enumerate(CONVERSATIONS):
            _conversation(poks, users, number, *conversation)
    return {"poks": len(poks), "threads": len(CONVERSATIONS)}


def _staff() -> dict:
    User = get_user_model()
    users = {}
    demo, _created = User.objects.get_or_create(
        username="demo",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Demo",
            "last_name": "Admin",
            "email": f"demo@{STAFF_MAIL_DOMAIN}",
        },
    )
    users["demo"] = demo
    for username, first, last in STAFF:
        users[username], _created = User.objects.get_or_create(
            username=username,
            defaults={
                "is_staff": True,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@{STAFF_MAIL_DOMAIN}",
            },
        )
    for user in users.values():
        user.set_password(DEMO_PASSWORD)
        user.save()
    return users


def _pok(users, name, language, address, from_name, staff) -> Pok:
    pok = Pok.objects.create(
        name=name,
        language=language,
        imap_host="127.0.0.1",
        imap_port=1143,
        imap_security="none",
        imap_user=address,
        imap_password="demo",
        smtp_host="127.0.0.1",
        smtp_port=1025,
        smtp_security="none",
        from_address=address,
        from_name=from_name,
    )
    PokStaff.objects.bulk_create([PokStaff(pok=pok, user=users[username]) for username in staff])
    return pok


def _conversation(poks, users, number, pok_index, name, email, subject, first, reply, follow_up, status):
    pok = poks[pok_index]
    staff = users["anna" if pok_index == 0 else "john"]
    start = (timezone.now() - timedelta(days=len(CONVERSATIONS) - number, hours=number)).replace(microsecond=0)
    attachment = PHOTO if "załączniku" in first else None
    _status, message = store_message(pok, _customer_mail(pok, name, email, subject, first, start, attachment))
    thread = message.thread
    Thread.objects.filter(pk=thread.pk).update(created_at=start, last_customer_at=start)
    dated = _backdate_history(thread, after=0, when=start)
    if reply:
        sent = services.reply(thread, author=staff, text=reply, then_status=Status.WAITING)
        _backdate(sent, start + timedelta(hours=2))
        # The demo servers do not exist: the reply counts as delivered, nothing goes out.
        Message.objects.filter(pk=sent.pk).update(delivery=Delivery.SENT, sent_at=start + timedelta(hours=2))
        services.settle_delivery(Message.objects.get(pk=sent.pk))
        dated = _backdate_history(thread, after=dated, when=start + timedelta(hours=2))
    if follow_up:
        raw = _customer_mail(pok, name, email, f"Re: [{thread.token}] {subject}", follow_up, start + timedelta(hours=5))
        store_message(pok, raw)
        Thread.objects.filter(pk=thread.pk).update(last_customer_at=start + timedelta(hours=5))
        dated = _backdate_history(thread, after=dated, when=start + timedelta(hours=5))
    if number == 0:
        note = services.add_note(thread, author=users["demo"], text="Klient dzwonił, sprawdzamy w InPost.")
        _backdate(note, start + timedelta(hours=6))
    services.refresh_counters(thread)
    thread.refresh_from_db()
    if thread.status != status:
        services.change_status(thread, status=status, actor=staff)
    _backdate_history(thread, after=dated, when=start + timedelta(hours=6))


def _customer_mail(pok, name, email, subject, text, when, attachment=None) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{name} <{email}>"
    mail["To"] = pok.from_address
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = make_msgid(domain="example.com")
    mail.set_content(text)
    if attachment:
        mail.add_attachment(attachment, maintype="image", subtype="png", filename="zdjęcie kubka.png")
    return mail.as_bytes()


def _backdate(message: Message, when) -> None:
    Message.objects.filter(pk=message.pk).update(date=when)


def _backdate_history(thread: Thread, *, after: int, when) -> int:
    """Dates the thread's history written since event `after` at `when`, as if it had happened then, so the
    history reads in step with the backdated mail; returns the last event's id."""
    events = ThreadEvent.objects.filter(thread=thread, pk__gt=after)
    events.update(created_at=when)
    return ThreadEvent.objects.filter(thread=thread).aggregate(last=Max("pk"))["last"] or after
