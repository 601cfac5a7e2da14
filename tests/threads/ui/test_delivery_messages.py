"""What staff are told after "Reply and ..." with the real aiosmtpd: sent, or not sent and why, in
both languages; never a green "queued" above a red "failed".

Transactional: the send runs on commit inside the request, as in production.
"""

import html
import re

import pytest
from django.urls import reverse

from tests.threads.ui.mails import receive
from threads.models import Delivery, Direction, Status, Thread

pytestmark = pytest.mark.django_db(transaction=True)


def flashes(page: str) -> list[tuple[str, str]]:
    return [
        (kind, html.unescape(re.sub(r"\s+", " ", text).strip()))
        for kind, text in re.findall(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', page, re.S)
    ]


def reply(client, thread, action="archive", language="en"):
    response = client.post(
        reverse("threads:reply", args=[thread.public_id]),
        {"text": "Your parcel is on its way", "action": action},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_sent_says_sent_and_the_status(anna_client, sending_pok, smtp_up):
    thread = receive(sending_pok).thread
    page = reply(anna_client, thread, "archive")
    assert flashes(page) == [("success", "Sent; the thread is archived.")]
    thread = Thread.objects.get(pk=thread.pk)
    assert thread.status == Status.ARCHIVED
    page = reply(anna_client, receive(sending_pok, subject="Second").thread, "wait", language="pl")
    assert flashes(page) == [("success", "Wysłano; wątek oczekuje na klienta.")]


@pytest.mark.parametrize(
    ("language", "flash", "human"),
    [
        (
            "en",
            "Not sent: The mail server cannot be reached: it is down, or its address or port is wrong. "
            "It will be tried again at",
            "The mail server cannot be reached",
        ),
        (
            "pl",
            "Nie wysłano: Nie można połączyć się z serwerem poczty: nie działa albo jego adres lub port są błędne. "
            "Kolejna próba o",
            "Nie można połączyć się z serwerem poczty",
        ),
    ],
)
def test_smtp_down_says_not_sent_and_why(anna_client, sending_pok, smtp_up, language, flash, human):
    thread = receive(sending_pok).thread
    smtp_up.stop()
    page = reply(anna_client, thread, "archive", language=language)
    [(kind, text)] = flashes(page)
    assert kind == "error" and text.startswith(flash)
    assert Thread.objects.get(pk=thread.pk).status == Status.NEW
    # The message: the sentence for people, the technical line folded beneath, retry secondary to the reply buttons.
    error = re.search(r'data-testid="delivery-error">(.*?)</div>\s*</div>', page, re.S).group(1)
    assert human in error
    assert re.search(rf'<details class="technical">.*SMTP .*127.0.0.1:{smtp_up.port}: .*</details>', error, re.S)
    assert re.search(r'<button type="submit" class="secondary outline small">', error)
    assert re.search(r'<button type="submit" name="action" value="archive"[ >]', page)


def test_recipient_refused_is_failed_for_good(anna_client, sending_pok, smtp_up):
    thread = receive(sending_pok).thread
    smtp_up.refuse["jan@example.com"] = "550 5.1.1 <jan@example.com>: Recipient address rejected: User unknown"
    page = reply(anna_client, thread, "wait")
    assert flashes(page) == [
        (
            "error",
            "Not sent: The recipient's address was refused by the mail server. It will not be tried again by "
            "itself: retry it or give it up; the thread stays new.",
        )
    ]
    assert "A reply was not delivered" in page, "the history says so"
    message = Thread.objects.get(pk=thread.pk).messages.get(direction=Direction.OUTGOING)
    assert message.delivery == Delivery.FAILED and "550 5.1.1" in message.last_error
