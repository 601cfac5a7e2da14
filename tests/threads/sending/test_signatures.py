"""Signatures: the staff member's and the service point's (per language) under every reply,
in the text and the HTML part; the staff member edits theirs, the admin both."""

from email import message_from_bytes, policy

import pytest
from django.urls import reverse

from mailsync.storing import store_message
from pok.models import Pok
from tests.factories import make_staff
from tests.mailsync.mails import mail
from threads import services
from threads.models import PokSignature, StaffSignature, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(mail_pok, customer):
    _outcome, message = store_message(mail_pok, mail(subject="Pytanie", sender=customer[0]))
    return message.thread


def sent_parts(smtp_server, reply):
    [raw] = [raw for _f, _t, raw in smtp_server.messages if f"<{reply.message_id}>".encode() in raw]
    sent = message_from_bytes(raw, policy=policy.default)
    text = sent.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return text, sent.get_body(("html",)).get_content()


def test_staff_and_pok_signatures_end_every_reply(thread, anna, client, smtp_up, django_capture_on_commit_callbacks):
    PokSignature.objects.create(pok=thread.pok, language="pl", text="Sklep Gęś\ntel. 123 456 789")
    PokSignature.objects.create(pok=thread.pok, language="en", text="Goose Shop")
    client.force_login(anna)
    response = client.post(reverse("threads:signature"), {"text": "Anna Nowak\nDział reklamacji"}, follow=True)
    assert "Your signature is saved." in response.content.decode()
    assert StaffSignature.objects.get(user=anna).text == "Anna Nowak\nDział reklamacji"

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Paczka wyszła.", then_status=Status.WAITING)
    text, html = sent_parts(smtp_up, reply)
    assert "Paczka wyszła.\n\nAnna Nowak\nDział reklamacji\n\n--\nSklep Gęś\ntel. 123 456 789\n" in text
    assert "Goose Shop" not in text, "the signature in the POK's language only"
    assert "Anna Nowak<br>Dział reklamacji" in html and "Sklep Gęś<br>tel. 123 456 789" in html

    Pok.objects.filter(pk=thread.pok_id).update(language="en")
    thread.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(
            thread, author=make_staff("ewa", thread.pok), text="Shipped.", then_status=Status.WAITING
        )
    text, _html = sent_parts(smtp_up, reply)
    assert "Shipped.\n\n--\nGoose Shop\n" in text and "Anna Nowak" not in text


def test_without_signatures_the_from_name_signs(thread, anna, smtp_up, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Dzień dobry.", then_status=Status.WAITING)
    text, _html = sent_parts(smtp_up, reply)
    assert f"Dzień dobry.\n\n--\n{thread.pok.from_name}\n" in text


def test_signature_page_in_polish_and_bad_input(anna, client):
    client.force_login(anna)
    page = client.get(reverse("threads:signature"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Twój podpis" in page
    response = client.post(reverse("threads:signature"), {"text": "x" * 3000})
    assert response.status_code == 400 and not StaffSignature.objects.exists()


def test_admin_edits_both(client, thread):
    admin = make_staff("root", superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:threads_poksignature_add"), {"pok": thread.pok_id, "language": "pl", "text": "BOK"}
    )
    assert response.status_code == 302 and PokSignature.objects.get().text == "BOK"
    response = client.post(reverse("admin:threads_staffsignature_add"), {"user": admin.pk, "text": "Szef"})
    assert response.status_code == 302 and StaffSignature.objects.get(user=admin).text == "Szef"
