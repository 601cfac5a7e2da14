"""Cc and Bcc: kept from the customer's mail, offered for the reply (reply to all by default),
validated, never our own addresses, and exactly what reaches aiosmtpd's envelope."""

from email import message_from_bytes, policy

import pytest
from django.urls import reverse

from mailsync.storing import store_message
from pok.models import Pok
from tests.factories import make_pok
from tests.mailsync.mails import mail
from threads import services
from threads.addresses import reply_defaults
from threads.models import Direction, Status, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(mail_pok, customer):
    make_pok(name="Other shop", from_address="sales@other-shop.example")
    raw = mail(
        subject="Zamówienie dla firmy",
        sender=f"Jan <{customer[0]}>",
        to=f"BOK <{mail_pok.from_address}>, sales@other-shop.example",
        headers={"Cc": "Księgowa <ksiegowa@firma.example>, Szef <SZEF@firma.example>"},
    )
    _outcome, message = store_message(mail_pok, raw)
    return message.thread


def last_envelope(smtp_server, message_id):
    [(sender, recipients, raw)] = [m for m in smtp_server.messages if f"<{message_id}>".encode() in m[2]]
    return sender, recipients, message_from_bytes(raw, policy=policy.default)


def test_incoming_cc_is_kept_and_shown(thread, anna, client):
    incoming = thread.messages.get(direction=Direction.INCOMING)
    assert incoming.cc == "Księgowa <ksiegowa@firma.example>, Szef <szef@firma.example>"
    client.force_login(anna)
    page = client.get(reverse("threads:detail", args=[thread.public_id])).content.decode()
    assert 'data-testid="cc">Cc: Księgowa &lt;ksiegowa@firma.example&gt;, Szef &lt;szef@firma.example&gt;' in page


def test_reply_form_replies_to_all_without_our_addresses(thread, anna, client, customer):
    client.force_login(anna)
    form = client.get(reverse("threads:detail", args=[thread.public_id])).context["reply_form"]
    assert form.initial == {"to": customer[0], "cc": "ksiegowa@firma.example, szef@firma.example"}
    Pok.objects.filter(pk=thread.pok_id).update(reply_to_all=False)
    form = client.get(reverse("threads:detail", args=[thread.public_id])).context["reply_form"]
    assert form.initial == {"to": customer[0], "cc": ""}


def test_defaults_skip_every_service_point_address(thread, customer):
    messages = list(thread.messages.all())
    defaults = reply_defaults(thread, messages, reply_to_all=True)
    assert thread.pok.from_address not in defaults.cc and "sales@other-shop.example" not in defaults.cc


def test_cc_and_bcc_reach_the_envelope_exactly(
    thread, anna, customer, client, smtp_up, django_capture_on_commit_callbacks
):
    client.force_login(anna)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("threads:reply", args=[thread.public_id]),
            {
                "to": customer[0],
                "cc": "ksiegowa@firma.example, Szef <szef@firma.example>",
                "bcc": "archiwum@firma.example",
                "text": "Faktura w załączniku.",
                "action": "wait",
            },
        )
    assert response.status_code == 302
    reply = Thread.objects.get(pk=thread.pk).messages.get(direction=Direction.OUTGOING)
    sender, recipients, sent = last_envelope(smtp_up, reply.message_id)
    assert sender == thread.pok.from_address
    assert recipients == [customer[0], "ksiegowa@firma.example", "szef@firma.example", "archiwum@firma.example"]
    assert sent["To"] == customer[0] and sent["Cc"] == "ksiegowa@firma.example, szef@firma.example"
    assert sent["Bcc"] is None and b"archiwum@firma.example" not in reply.raw.open("rb").read()
    assert (reply.cc, reply.bcc) == ("ksiegowa@firma.example, szef@firma.example", "archiwum@firma.example")


def test_new_thread_with_cc_and_bcc(mail_pok, anna, client, smtp_up, django_capture_on_commit_callbacks):
    client.force_login(anna)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("threads:new", args=[mail_pok.pk]),
            {
                "recipient": "Zofia@Example.test",
                "cc": "maz@example.test",
                "bcc": "kopia@example.test; inna@example.test",
                "subject": "Zwrot",
                "text": "Przyjęliśmy zwrot.",
                "action": "archive",
            },
        )
    message = Thread.objects.get(subject="Zwrot").messages.get()
    _sender, recipients, sent = last_envelope(smtp_up, message.message_id)
    assert recipients == ["zofia@example.test", "maz@example.test", "kopia@example.test", "inna@example.test"]
    assert sent["Cc"] == "maz@example.test" and sent["Bcc"] is None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("cc", "ksiegowa@firma.example, not-an-address", "Cc: not an e-mail address: not-an-address"),
        ("bcc", "a@b", "Bcc: not an e-mail address: a@b"),
        ("to", "x@example.test, y@example.test", "To: exactly one e-mail address, please."),
    ],
)
def test_every_address_is_validated(thread, anna, client, field, value, error):
    client.force_login(anna)
    response = client.post(
        reverse("threads:reply", args=[thread.public_id]), {field: value, "text": "x", "action": "wait"}
    )
    assert response.status_code == 400 and error in response.content.decode()
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()


def test_our_own_addresses_are_refused(thread, anna):
    for cc in ([thread.pok.from_address], ["SALES@other-shop.example"]):
        with pytest.raises(services.ActionRefused, match="address of a service point"):
            services.reply(thread, author=anna, text="x", then_status=Status.WAITING, cc=cc)
    with pytest.raises(services.ActionRefused, match="address of a service point"):
        services.start_thread(thread.pok, author=anna, recipient=thread.pok.from_address, subject="s", text="t")
