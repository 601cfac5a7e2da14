"""Two send_outbox runs at once (cron overlap, two app servers): every message still goes out once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.mailsync.mails import mail
from tests.threads.sending.conftest import sent_copies
from threads import services
from threads.models import Delivery, Message, Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_send_outbox_runs_at_once(mail_pok, anna, customer, smtp_server, spawn_manage):
    from mailsync.storing import store_message

    smtp_server.stop()  # the replies fail first and wait in the outbox
    try:
        replies = []
        for n in range(25):
            _o, message = store_message(mail_pok, mail(subject=f"Pytanie {n}", sender=customer[0]))
            replies.append(
                services.reply(message.thread, author=anna, text=f"Odpowiedź {n}", then_status=Status.WAITING)
            )
    finally:
        smtp_server.start()
    assert set(Message.objects.filter(direction="out").values_list("delivery", flat=True)) == {Delivery.FAILED}
    Message.objects.filter(direction="out").update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    runs = [spawn_manage("send_outbox") for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in runs]
    assert all(process.returncode == 0 for process in runs), outputs
    # The second run either found the first holding the lock or came after it and found nothing due.
    sent_counts = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs if "sent " in out]
    assert sum(sent_counts) == 25
    assert all("sent " in out or "send_outbox is already running" in err for out, err in outputs), outputs
    for reply in replies:
        assert sent_copies(smtp_server, reply.message_id) == 1
    assert set(Message.objects.filter(direction="out").values_list("delivery", flat=True)) == {Delivery.SENT}


def test_send_outbox_is_a_cron_job():
    from django.conf import settings

    assert ["send_outbox"] in [job[2] for job in settings.CRONJOBS]
