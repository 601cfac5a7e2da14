"""SMTP and IMAP failures against real servers, sorted into kinds with a sentence for people in
Polish and English; the technical line is kept beside it."""

import socket
import threading

import pytest
from django.utils import translation

from mailsync.imap_sync import sync_pok
from mailsync.storing import store_message
from pok.connections import ConnectionFailed, open_imap, open_smtp
from pok.failures import PERMANENT, Failure, smtp_reply_kind
from pok.models import Pok
from tests.mailsync.mails import mail
from tests.servers._local import free_port
from tests.servers.smtp import SmtpServer
from tests.threads.sending.conftest import sent_copies
from threads import services
from threads.models import Delivery, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_port():
    """A port that accepts connections and never says a word (a hung server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    worker = threading.Thread(target=accept, daemon=True)
    worker.start()
    yield listener.getsockname()[1]
    stop.set()
    worker.join()
    for connection in accepted:
        connection.close()
    listener.close()


def failure_of(opener, pok) -> ConnectionFailed:
    with pytest.raises(ConnectionFailed) as caught:
        opener(pok)
    return caught.value


def test_smtp_login_refused(mail_pok, smtp_auth_server):
    user, _password = smtp_auth_server.auth
    mail_pok.smtp_port, mail_pok.smtp_user, mail_pok.smtp_password = smtp_auth_server.port, user, "wrong"
    mail_pok.save()
    mail_pok.refresh_from_db()
    assert failure_of(open_smtp, mail_pok).kind == Failure.LOGIN


def test_imap_login_refused(mail_pok):
    mail_pok.imap_password = "wrong"
    mail_pok.save()
    mail_pok.refresh_from_db()
    assert failure_of(open_imap, mail_pok).kind == Failure.LOGIN


@pytest.mark.parametrize("opener", [open_smtp, open_imap])
def test_server_unreachable(mail_pok, opener):
    mail_pok.smtp_port = mail_pok.imap_port = free_port()  # nothing listens there
    failed = failure_of(opener, mail_pok)
    assert failed.kind == Failure.UNREACHABLE and "connection refused" in str(failed)


@pytest.mark.parametrize("opener", [open_smtp, open_imap])
def test_server_timing_out(mail_pok, opener, silent_port, settings):
    settings.CRM_SMTP_TIMEOUT = settings.CRM_IMAP_TIMEOUT = 1
    mail_pok.smtp_port = mail_pok.imap_port = silent_port
    assert failure_of(opener, mail_pok).kind == Failure.TIMEOUT


def test_imap_certificate_not_trusted(mail_pok, dovecot):
    mail_pok.imap_port, mail_pok.imap_security, mail_pok.imap_verify_cert = dovecot.imaps_port, "ssl", True
    assert failure_of(open_imap, mail_pok).kind == Failure.TLS


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_smtp_tls_setting_the_server_does_not_speak(mail_pok, security):
    mail_pok.smtp_security = security  # aiosmtpd here speaks plain SMTP without STARTTLS
    assert failure_of(open_smtp, mail_pok).kind == Failure.TLS


def send_reply(thread, anna, capture):
    with capture(execute=True):
        reply = services.reply(thread, author=anna, text="Odpowiedź", then_status=Status.WAITING)
    reply.refresh_from_db()
    return reply


@pytest.fixture
def thread(mail_pok, customer):
    _outcome, message = store_message(mail_pok, mail(subject="Pytanie", sender=customer[0]))
    return message.thread


@pytest.mark.parametrize(
    ("refusal", "kind"),
    [
        ("550 5.1.1 <{0}>: Recipient address rejected: User unknown in virtual mailbox table", Failure.RECIPIENT),
        ("552 5.2.2 <{0}>: Mailbox full", Failure.MAILBOX_FULL),
        ("452 4.2.2 The email account that you tried to reach is over quota", Failure.MAILBOX_FULL),
        ("450 4.7.1 <{0}>: Recipient address rejected: greylisted", Failure.OTHER),
    ],
)
def test_refused_recipients(thread, anna, smtp_up, refusal, kind, django_capture_on_commit_callbacks):
    smtp_up.refuse[thread.customer_email] = refusal.format(thread.customer_email)
    reply = send_reply(thread, anna, django_capture_on_commit_callbacks)
    assert reply.delivery == Delivery.FAILED and reply.failure == kind
    assert (reply.next_attempt_at is None) == (kind in PERMANENT)
    assert refusal.split()[0] in reply.last_error


def test_message_too_large(thread, anna, django_capture_on_commit_callbacks):
    small = SmtpServer(port=free_port(), data_size_limit=500)
    small.start()
    try:
        Pok.objects.filter(pk=thread.pok_id).update(smtp_port=small.port)
        thread.pok.smtp_port = small.port
        reply = send_reply(thread, anna, django_capture_on_commit_callbacks)
    finally:
        small.stop()
    assert reply.delivery == Delivery.FAILED and reply.failure == Failure.TOO_LARGE
    assert reply.next_attempt_at is None, "a larger message will not fit next time either"
    assert sent_copies(small, reply.message_id) == 0


def test_imap_failure_is_kept_with_its_kind_and_shown(client, mail_pok, settings):
    from tests.factories import make_staff

    mail_pok.imap_password = "wrong"
    mail_pok.save()
    report = sync_pok(mail_pok)
    assert report.error_kind == Failure.LOGIN
    mail_pok.refresh_from_db()
    assert mail_pok.last_error_kind == Failure.LOGIN and "login refused" in mail_pok.last_error
    client.force_login(make_staff("ewa", mail_pok))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Nie można pobrać poczty:" in page and "Serwer poczty odrzucił logowanie" in page
    assert '<details class="technical">' in page


@pytest.mark.parametrize(
    ("code", "text", "kind"),
    [
        (535, "5.7.8 Authentication credentials invalid", Failure.LOGIN),
        (552, "5.3.4 Message size exceeds fixed limit", Failure.TOO_LARGE),
        (552, "5.2.2 Quota exceeded", Failure.MAILBOX_FULL),
        (550, "5.1.1 The email account that you tried to reach does not exist", Failure.RECIPIENT),
        (554, "5.7.1 Message rejected as spam", Failure.REJECTED),
        (421, "4.7.0 Try again later", Failure.OTHER),
    ],
)
def test_reply_codes_of_real_servers(code, text, kind):
    assert smtp_reply_kind(code, text.encode()) == kind


def test_every_kind_has_a_sentence_in_both_languages():
    for kind in Failure:
        english = str(kind.label)
        with translation.override("pl"):
            polish = str(kind.label)
        assert english.endswith(".") and polish.endswith(".") and english != polish, kind
