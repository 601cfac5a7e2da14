"""Spam and blocked senders through Dovecot: such mail lands in the POK's Spam view,
never the INBOX, is never deleted unseen; "not spam" moves it back and unblocks the sender."""

import pytest
from django.urls import reverse

from mailsync.imap_sync import sync_pok
from mailsync.spam import verdict
from tests.factories import make_staff
from tests.mailsync.mails import mail
from threads import services
from threads.models import BlockedSender, EventKind, Status, Thread

pytestmark = pytest.mark.django_db


def arrive(server, pok, raw) -> Thread:
    server.append(raw)
    assert sync_pok(pok).new == 1
    return Thread.objects.filter(pok=pok).latest("id")


@pytest.fixture
def staff_client(client, imap_pok):
    client.force_login(make_staff("ewa", imap_pok))
    return client


@pytest.mark.parametrize(
    ("sender", "blocked", "headers", "reason"),
    [
        ("Spammer <promo@spam.example>", "promo@spam.example", {}, "blocked: promo@spam.example"),
        ("x@news.spam.example", "spam.example", {}, "blocked: spam.example"),
        ("jan@example.test", None, {"X-Spam-Flag": "YES"}, "X-Spam-Flag: YES"),
        ("jan@example.test", None, {"X-Spam-Status": "Yes, score=9.1 required=5.0"}, "X-Spam-Status: Yes"),
        ("jan@example.test", None, {"X-Spam": "Yes"}, "X-Spam: Yes"),
    ],
)
def test_blocked_and_flagged_mail_lands_in_spam(server, imap_pok, staff_client, sender, blocked, headers, reason):
    if blocked:
        BlockedSender.objects.create(pok=imap_pok, pattern=blocked)
    thread = arrive(server, imap_pok, mail(subject="Promocja!", sender=sender, headers=headers))
    assert thread.status == Status.SPAM
    assert thread.messages.get().spam_reason.startswith(reason)
    inbox = staff_client.get(reverse("threads:inbox", args=[imap_pok.pk]))
    assert thread.token not in inbox.content.decode()
    spam = staff_client.get(reverse("threads:spam", args=[imap_pok.pk]))
    assert [row.record.token for row in spam.context["table"].page.object_list] == [thread.token]
    overview = staff_client.get(reverse("overview")).content.decode()
    assert 'data-testid="panel-spam">Spam <span class="pill">1 thread</span>' in overview


def test_spam_never_joins_an_open_thread(server, imap_pok):
    first = arrive(server, imap_pok, mail(subject="Pytanie", sender="jan@example.test"))
    flagged = mail(subject=f"Re: [{first.token}] Pytanie", sender="jan@example.test", headers={"X-Spam-Flag": "YES"})
    spam = arrive(server, imap_pok, flagged)
    assert spam.pk != first.pk and spam.status == Status.SPAM
    assert Thread.objects.get(pk=first.pk).message_count == 1


def test_authentication_failures_are_a_hint_only(server, imap_pok, staff_client):
    results = "mx.example.test; spf=fail smtp.mailfrom=example.test; dkim=fail header.d=example.test; dmarc=pass"
    thread = arrive(
        server,
        imap_pok,
        mail(subject="Zamówienie", sender="jan@example.test", headers={"Authentication-Results": results}),
    )
    assert thread.status == Status.NEW
    message = thread.messages.get()
    assert message.auth_warning == "SPF fail, DKIM fail" and message.spam_reason == ""
    page = staff_client.get(reverse("threads:detail", args=[thread.public_id]), HTTP_ACCEPT_LANGUAGE="pl")
    assert "Nadawca niezweryfikowany: SPF fail, DKIM fail" in page.content.decode()


def test_spam_is_never_deleted_unseen(server, imap_pok):
    BlockedSender.objects.create(pok=imap_pok, pattern="spam.example")
    thread = arrive(server, imap_pok, mail(subject="Promocja", sender="a@spam.example"))
    sync_pok(imap_pok)  # the next run removes it from the server: it is kept in the CRM's Spam view
    assert server.messages() == []
    assert Thread.objects.get(pk=thread.pk).messages.count() == 1


def test_not_spam_moves_it_back_and_unblocks(server, imap_pok, staff_client):
    BlockedSender.objects.create(pok=imap_pok, pattern="jan@firma.example")
    BlockedSender.objects.create(pok=imap_pok, pattern="firma.example")
    BlockedSender.objects.create(pok=imap_pok, pattern="other.example")
    thread = arrive(server, imap_pok, mail(subject="Faktura", sender="jan@firma.example"))
    assert thread.status == Status.SPAM
    page = staff_client.get(reverse("threads:detail", args=[thread.public_id]), HTTP_ACCEPT_LANGUAGE="pl")
    assert "To nie spam" in page.content.decode() and "Zablokowany nadawca: jan@firma.example" in page.content.decode()
    response = staff_client.post(reverse("threads:not_spam", args=[thread.public_id]), follow=True)
    assert (
        "Not spam: the thread is back in the INBOX. jan@firma.example is no longer blocked."
        in response.content.decode()
    )
    thread.refresh_from_db()
    assert thread.status == Status.NEW
    assert list(BlockedSender.objects.values_list("pattern", flat=True)) == ["other.example"]
    assert thread.events.filter(kind=EventKind.STATUS, new_value=Status.NEW, actor__username="ewa").exists()
    again = arrive(server, imap_pok, mail(subject="Druga faktura", sender="jan@firma.example"))
    assert again.status == Status.NEW


def test_spam_button_blocks_the_sender(server, imap_pok, staff_client):
    thread = arrive(server, imap_pok, mail(subject="Wygrałeś!", sender="lotto@win.example"))
    response = staff_client.post(reverse("threads:mark_spam", args=[thread.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("threads:spam", args=[imap_pok.pk])
    assert Thread.objects.get(pk=thread.pk).status == Status.SPAM
    assert BlockedSender.objects.get(pok=imap_pok).pattern == "lotto@win.example"
    assert arrive(server, imap_pok, mail(subject="Wygrałeś znowu", sender="LOTTO@win.example")).status == Status.SPAM


def test_a_thread_with_an_undelivered_reply_cannot_be_called_spam(imap_pok, server):
    thread = arrive(server, imap_pok, mail(subject="Pytanie", sender="jan@example.test"))
    services.reply(thread, author=make_staff("ewa", imap_pok), text="Odpowiedź")
    with pytest.raises(services.ActionRefused):
        services.mark_spam(Thread.objects.get(pk=thread.pk), actor=None)


@pytest.mark.parametrize(
    ("headers", "spam", "hint"),
    [
        (b"X-Spam-Flag: NO\r\nX-Spam-Status: No, score=1.2\r\n", "", ""),
        (b"X-Spam-Status: Yes, score=12.5 required=5.0\r\n tests=BAYES_99\r\n", "X-Spam-Status: Yes, score=12.5", ""),
        (b"Authentication-Results: mx; dmarc=fail (p=reject)\r\n", "", "DMARC fail"),
        (
            b"Authentication-Results: mx; spf=softfail\r\nAuthentication-Results: mx; spf=softfail\r\n",
            "",
            "SPF softfail",
        ),
    ],
)
def test_verdict_headers(headers, spam, hint):
    found = verdict(b"From: a@b.example\r\n" + headers + b"\r\nbody X-Spam-Flag: YES\r\n")
    assert found.spam.startswith(spam) and (spam or found.spam == "")
    assert found.auth_hint == hint
