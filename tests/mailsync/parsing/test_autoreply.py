"""Recognising out-of-office replies and bounces from headers alone."""

import pytest

from mailsync.mime import parse_headers, parse_message

BASE = "From: Anna Nowak <anna@example.pl>\nTo: pok@meblik.pl\nSubject: {subject}\n{extra}"


def classify(subject="Pytanie o zamówienie", extra="", sender=None):
    raw = BASE.format(subject=subject, extra=extra)
    if sender:
        raw = raw.replace("Anna Nowak <anna@example.pl>", sender)
    parsed = parse_headers(raw.encode())
    return parsed.is_auto_reply, parsed.is_bounce


@pytest.mark.parametrize(
    "extra",
    [
        "Auto-Submitted: auto-replied\n",
        "Auto-Submitted: auto-generated; owner-email=x@y.pl\n",
        "X-Autoreply: yes\n",
        "X-Autorespond: Jestem na urlopie\n",
        "Precedence: bulk\n",
        "Precedence: junk\n",
        "Precedence: auto_reply\n",
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-notification; boundary="x"\n',
    ],
)
def test_auto_headers_mark_an_auto_reply(extra):
    assert classify(extra=extra) == (True, False)


@pytest.mark.parametrize(
    "subject",
    [
        "Automatyczna odpowiedź: Re: Zamówienie #AB12CD3",
        "=?utf-8?q?Automatyczna_odpowied=C5=BA=3A_Zam=C3=B3wienie?=",
        "Nieobecność",
        "Nieobecność: Re: Zamówienie",
        "Nieobecność w biurze",
        "Autoodpowiedź",
        "Out of Office: Order 10234",
        "[Out of office] Re: Order",
        "Automatic reply: Order 10234",
        "Autoreply: your message",
        "Auto-Reply: your message",
        "Abwesenheit bis 30.11.",
        "Automatische Antwort: Bestellung",
        "RE: Out of office",
    ],
)
def test_out_of_office_subjects_in_polish_english_german(subject):
    assert classify(subject=subject) == (True, False)


@pytest.mark.parametrize(
    ("subject", "extra"),
    [
        ("Nieobecność w domu podczas dostawy", ""),
        ("Pytanie: czy autoreply działa?", ""),
        ("Zwrot towaru", ""),
        ("Re: Zamówienie", "Auto-Submitted: no\n"),
        ("Newsletter", "Precedence: list\n"),
        ("Delivery failed?", ""),  # a customer asking, not a daemon reporting
    ],
)
def test_customer_mail_is_not_an_auto_reply(subject, extra):
    assert classify(subject=subject, extra=extra) == (False, False)


@pytest.mark.parametrize(
    ("sender", "subject", "extra"),
    [
        ("MAILER-DAEMON@mx.example.pl", "Undelivered Mail Returned to Sender", ""),
        ("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "Delivery Status Notification (Failure)", ""),
        ("postmaster@poczta.onet.pl", "Wiadomość niedostarczona", ""),
        ("Anna <anna@example.pl>", "Re: x", "X-Failed-Recipients: nobody@example.invalid\n"),
        ("Anna <anna@example.pl>", "x", 'Content-Type: multipart/report; report-type="delivery-status"; boundary=b\n'),
    ],
)
def test_bounces(sender, subject, extra):
    assert classify(subject=subject, extra=extra, sender=sender) == (True, True)


def test_mail_from_a_daemon_is_automatic_even_without_a_failure_subject():
    assert classify(subject="Hello", sender="postmaster@example.pl") == (True, False)


def test_full_message_and_headers_only_agree():
    raw = (BASE.format(subject="Out of office", extra="Content-Type: text/plain\n") + "\nI am away.\n").encode()
    assert (parse_message(raw).is_auto_reply, parse_message(raw).is_bounce) == (True, False)
