"""resplit_replies: stored reply_text brought in line with what the thread page shows."""

from io import StringIO

import pytest
from django.core.management import call_command

from mailsync.storing import store_message
from tests.mailsync.mails import mail
from threads.models import Message

pytestmark = pytest.mark.django_db


def test_stale_reply_text_is_split_again_and_counted(pok):
    body = "Zamówienie 100234.\n\nWysłane z iPhone'a\n\nW dniu 23.11.2026 o 10:00, Sklep pisze:\n> Numer?"
    _outcome, message = store_message(pok, mail(body=body))
    assert message.reply_text == "Zamówienie 100234."
    Message.objects.filter(pk=message.pk).update(reply_text=body)  # as stored by older rules
    out = StringIO()
    call_command("resplit_replies", stdout=out)
    message.refresh_from_db()
    assert message.reply_text == "Zamówienie 100234."
    assert "resplit_replies: 1 customer messages, 1 updated" in out.getvalue()
    call_command("resplit_replies", stdout=out)
    assert out.getvalue().rstrip().endswith("1 customer messages, 0 updated")
