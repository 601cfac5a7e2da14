"""A small hand-made helpdesk whose statistics are worked out by hand in test_figures.py.

Every date is UTC; the site time zone is Europe/Warsaw (UTC+1 in early March 2025).
"""

from datetime import UTC, date, datetime

from mailsync.storing import store_message
from tests.factories import make_pok, make_staff
from tests.mailsync.mails import mail
from threads import services
from threads.models import Delivery, Message, Status, Thread, ThreadEvent

PERIOD = (date(2025, 3, 3), date(2025, 3, 5))
AUTO = {"Auto-Submitted": "auto-replied"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def receive(pok, when: datetime, thread: Thread | None = None, headers=None) -> Thread:
    """A customer mail through the real import; a follow-up joins `thread` by its token."""
    subject = f"Re: {thread.token} Pytanie" if thread else "Pytanie o zamówienie"
    _status, message = store_message(pok, mail(subject=subject, when=when, headers=headers))
    Message.objects.filter(pk=message.pk).update(date=when)
    if thread is None:
        Thread.objects.filter(pk=message.thread_id).update(created_at=when)
        ThreadEvent.objects.filter(thread_id=message.thread_id).update(created_at=when)
    return Thread.objects.get(pk=message.thread_id)


def answer(thread: Thread, author, when: datetime, delivered: datetime | None = None, sent: bool = True) -> None:
    """A staff reply written at `when`, taken by the SMTP server at `delivered` (default: the same time).

    Without on_commit callbacks nothing is sent: the delivery is recorded as the outbox records it;
    `sent=False` leaves the reply failed."""
    message = services.reply(thread, author=author, text="Dzień dobry, już sprawdzamy.")
    Message.objects.filter(pk=message.pk).update(date=when)
    outcome = {"delivery": Delivery.SENT, "sent_at": delivered or when} if sent else {"delivery": Delivery.FAILED}
    Message.objects.filter(pk=message.pk).update(**outcome)
    services.settle_delivery(Message.objects.get(pk=message.pk))
    thread.refresh_from_db()


def archive(thread: Thread, when: datetime) -> None:
    services.change_status(thread, status=Status.ARCHIVED)
    ThreadEvent.objects.filter(thread=thread, new_value=Status.ARCHIVED).update(created_at=when)


def build() -> dict:
    goose = make_pok(name="Sklep Gęś – BOK")
    shop_b = make_pok(name="Goose Shop", from_address="support@goose.example")
    anna = make_staff("anna", goose)
    john = make_staff("john", shop_b)
    boss = make_staff("boss", superuser=True)
    anna.first_name, anna.last_name = "Anna", "Żak"
    anna.save()

    t1 = receive(goose, at(3, 9))
    answer(t1, anna, at(3, 9, 10))  # first response 10 min
    receive(goose, at(4, 10), thread=t1)
    answer(t1, anna, at(4, 10, 30))  # a second reply: answered, not a first response
    archive(t1, at(4, 11))  # resolution 26 h

    t2 = receive(goose, at(3, 23, 30))  # 00:30 on 4 March in Warsaw
    receive(goose, at(3, 20), thread=t2, headers=AUTO)  # an auto-reply dated earlier: not received mail
    answer(t2, anna, at(4, 0, 0))  # 30 min, on 4 March in Warsaw

    t3 = receive(goose, at(4, 8))
    answer(t3, boss, at(4, 8, 50))  # 50 min by a superuser outside the POK: no owner
    archive(t3, at(5, 8))  # resolution 24 h

    t4 = receive(goose, at(5, 12))
    answer(t4, boss, at(5, 12, 30), sent=False)  # a reply that never went out: t4 is unanswered

    t5 = receive(goose, at(4, 12), headers=AUTO)  # only an auto-reply: archived on arrival, never received
    ThreadEvent.objects.filter(thread=t5).update(created_at=at(4, 12))

    t7 = receive(goose, at(1, 9))  # before the period
    answer(t7, anna, at(3, 10))  # answered on 3 March, not a first response of the period
    archive(t7, at(2, 9))  # first archived before the period; archived again inside it: not counted
    services.change_status(t7, status=Status.NEW)
    services.change_status(t7, status=Status.ARCHIVED)
    ThreadEvent.objects.filter(thread=t7, new_value=Status.ARCHIVED, created_at__gt=at(3, 0)).update(
        created_at=at(4, 15)
    )

    t8 = receive(goose, at(5, 22, 30))  # 23:30 on 5 March in Warsaw
    answer(t8, anna, at(5, 23, 10))  # 40 min, but the reply is on 6 March in Warsaw: after the period

    receive(goose, at(5, 23, 30))  # 00:30 on 6 March in Warsaw: outside the period

    t11 = receive(shop_b, at(4, 10))
    answer(t11, john, at(4, 11))  # 60 min
    t12 = receive(shop_b, at(4, 12))
    answer(t12, john, at(4, 12, 5), delivered=at(4, 12, 20))  # 20 min: written at 12:05, delivered at 12:20
    t13 = receive(shop_b, at(5, 9))
    answer(t13, john, at(5, 10, 30))  # 90 min

    return {"goose": goose, "shop_b": shop_b, "anna": anna, "john": john, "boss": boss}
