"""Mail in the language of the person: what the CRM adds to a reply (marker line, "Case", the quote header,
the POK's signature) in the language its writer chose, else the POK's; the hand-over notice in the
recipient's. Through the real test SMTP server."""

from email import message_from_bytes, policy

import pytest

from crm.preferences import save_preferences
from mailsync.storing import store_message
from tests.factories import make_staff
from tests.mailsync.mails import mail
from threads import services
from threads.models import PokSignature, Status

pytestmark = pytest.mark.django_db


def choose(user, language):
    save_preferences(user, language=language, browser_notifications="", digest="off")


@pytest.fixture
def thread(mail_pok, customer):
    _outcome, message = store_message(mail_pok, mail(subject="Pytanie", sender=customer[0]))
    return message.thread


def sent(smtp_server, *, message_id=None, to=None, since=0):
    [raw] = [
        raw
        for _f, recipients, raw in smtp_server.messages[since:]
        if (message_id and f"<{message_id}>".encode() in raw) or (to and recipients == [to])
    ]
    return message_from_bytes(raw, policy=policy.default)


def reply_text(smtp_server, reply) -> str:
    return sent(smtp_server, message_id=reply.message_id).get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_reply_carries_its_writers_language(thread, anna, smtp_up, django_capture_on_commit_callbacks):
    assert thread.pok.language == "pl"
    PokSignature.objects.create(pok=thread.pok, language="pl", text="Sklep Gęś")
    PokSignature.objects.create(pok=thread.pok, language="en", text="Goose Shop")
    choose(anna, "en")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Shipped today.", then_status=Status.WAITING)
    text = reply_text(smtp_up, reply)
    assert "-- Type your reply above this line --" in text
    assert "Case " + thread.token in text and " wrote:" in text
    assert "Goose Shop" in text and "Sklep Gęś" not in text
    assert "Sprawa" not in text and "napisał" not in text

    ewa = make_staff("ewa", thread.pok)  # chose nothing: the POK's language
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=ewa, text="Wysłane.", then_status=Status.WAITING)
    text = reply_text(smtp_up, reply)
    assert "Wpisz odpowiedź powyżej tej linii" in text and "Sklep Gęś" in text and "wrote:" not in text


def test_the_pok_signature_falls_back_to_the_poks_language(thread, anna, smtp_up, django_capture_on_commit_callbacks):
    PokSignature.objects.create(pok=thread.pok, language="pl", text="Sklep Gęś")
    choose(anna, "en")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Shipped.", then_status=Status.WAITING)
    assert "Sklep Gęś" in reply_text(smtp_up, reply)


def test_the_handover_notice_is_in_the_recipients_language(thread, anna, smtp_up, django_capture_on_commit_callbacks):
    start = len(smtp_up.messages)  # the session's server: earlier tests' mail to the same names is there
    piotr = make_staff("piotr", thread.pok)
    piotr.email = "piotr@staff.example"
    piotr.save()
    choose(piotr, "en")
    choose(anna, "pl")
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_owner(thread, owner=piotr, actor=anna)
    notice = sent(smtp_up, to="piotr@staff.example", since=start)
    assert notice["Subject"].startswith(f"Thread {thread.token} was handed over to you")
    assert "handed thread" in notice.get_content()

    ola = make_staff("ola", thread.pok)
    ola.email = "ola@staff.example"
    ola.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_owner(thread, owner=ola, actor=piotr)
    assert "Thread" not in sent(smtp_up, to="ola@staff.example", since=start)["Subject"]  # no choice: the POK's Polish
