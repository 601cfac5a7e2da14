"""sync_inbox against a real Dovecot: exactly once, whatever the mail looks like."""

import pytest

from mailsync.imap_sync import sync_pok
from pok.models import Pok
from tests.factories import make_pok
from tests.mailsync.mails import legacy_mail, mail
from threads.models import Attachment, Message, Thread

pytestmark = pytest.mark.django_db

POLISH = "Zażółć gęślą jaźń"


def run(pok):
    report = sync_pok(Pok.objects.get(pk=pok.pk))
    assert not report.error, report.error
    return report


def test_first_run_imports_and_second_run_deletes(imap_pok, server):
    for n in range(3):
        server.append(mail(subject=f"Pytanie {n}"))
    first = run(imap_pok)
    assert (first.seen, first.new, first.deleted) == (3, 3, 0)
    assert len(server.messages()) == 3, "nothing leaves the server in the run that stores it"
    second = run(imap_pok)
    assert (second.new, second.deleted) == (0, 3)
    assert server.messages() == []
    assert Message.objects.filter(pok=imap_pok).count() == 3
    assert Thread.objects.filter(pok=imap_pok).count() == 3
    third = run(imap_pok)
    assert (third.seen, third.new, third.deleted) == (0, 0, 0)


def test_keep_on_server(imap_pok, server):
    Pok.objects.filter(pk=imap_pok.pk).update(keep_on_server=True)
    server.append(mail())
    run(imap_pok)
    report = run(imap_pok)
    assert (report.new, report.deleted) == (0, 0)
    assert len(server.messages()) == 1
    assert Message.objects.count() == 1


def test_mail_is_never_marked_read(imap_pok, server, dovecot):
    server.append(mail())
    Pok.objects.filter(pk=imap_pok.pk).update(keep_on_server=True)
    run(imap_pok)
    client = dovecot.imap(imap_pok.imap_user, imap_pok.imap_password.reveal())
    client.select_folder("INBOX")
    flags = client.get_flags(client.search("ALL"))
    client.logout()
    assert all(b"\\Seen" not in f for f in flags.values())


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-2", "windows-1250"])
def test_charsets_arrive_intact(imap_pok, server, charset):
    server.append(legacy_mail(POLISH, f"{POLISH}\nŁódź, ul. Źródlana", charset))
    run(imap_pok)
    message = Message.objects.get()
    assert message.subject == POLISH
    assert message.from_name == "Zażółć Gęślą"
    assert message.body_text.startswith(POLISH)
    assert "Łódź, ul. Źródlana" in message.body_text
    assert not message.parse_problem


def test_attachments_arrive_intact(imap_pok, server):
    payload = bytes(range(256)) * 400
    server.append(
        mail(attachments=[(f"{POLISH}.pdf", payload, "application/pdf"), ("../../etc/passwd", b"root:x", "text/plain")])
    )
    run(imap_pok)
    by_name = {a.filename: a for a in Attachment.objects.all()}
    pdf = by_name[f"{POLISH}.pdf"]
    assert pdf.file.read() == payload and pdf.size == len(payload)
    assert pdf.content_type == "application/pdf"
    assert POLISH not in pdf.file.name, "stored under a generated name"
    traversal = by_name["passwd"]
    assert ".." not in traversal.file.name and "etc" not in traversal.file.name
    assert traversal.file.read() == b"root:x"


def test_raw_message_is_kept(imap_pok, server):
    raw = mail(subject="Raw")
    server.append(raw)
    run(imap_pok)
    assert Message.objects.get().raw.read().replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_broken_mail_is_stored_raw_and_flagged(imap_pok, server):
    garbage = b"Subject: =?x-unknown?B?////?=\r\nContent-Type: multipart/mixed; boundary=zzz\r\n\r\n--zzz\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    server.append(garbage)
    server.append(mail(subject="After the broken one"))
    report = run(imap_pok)
    assert report.new == 2
    broken = Message.objects.exclude(subject="After the broken one").get()
    assert broken.raw.read().replace(b"\r\n", b"\n") == garbage.replace(b"\r\n", b"\n")
    assert broken.parse_problem and broken.problem_reason
    assert broken.thread.pok_id == imap_pok.pk and broken.thread.has_problem


def test_too_large_mail_stays_on_the_server(imap_pok, server):
    Pok.objects.filter(pk=imap_pok.pk).update(max_message_bytes=50_000)
    server.append(mail(subject="Big one", attachments=[("big.bin", b"x" * 200_000, "application/octet-stream")]))
    server.append(mail(subject="Small one"))
    report = run(imap_pok)
    assert (report.new, report.too_large) == (2, 1)
    big = Message.objects.get(subject="Big one")
    assert big.too_large and big.size > 200_000 and big.from_address == "jan@example.pl"
    assert not big.attachments.exists()
    again = run(imap_pok)
    assert again.deleted == 1, "only the small one is deleted"
    remaining = server.messages()
    assert len(remaining) == 1 and b"Big one" in remaining[0][1]
    server.reset_uidvalidity()
    after_reset = run(imap_pok)
    assert after_reset.new == 0 and after_reset.deleted == 0
    assert len(server.messages()) == 1


def test_uidvalidity_reset_imports_nothing_twice(imap_pok, server):
    Pok.objects.filter(pk=imap_pok.pk).update(keep_on_server=True)
    for n in range(4):
        server.append(mail(subject=f"M{n}"))
    server.append(mail(subject="No Message-ID", message_id=""))
    run(imap_pok)
    before = Pok.objects.get(pk=imap_pok.pk).uidvalidity
    server.reset_uidvalidity()
    report = run(imap_pok)
    assert Pok.objects.get(pk=imap_pok.pk).uidvalidity != before
    assert report.new == 0 and report.duplicates == 5
    assert Message.objects.count() == 5


def test_a_failing_pok_does_not_stop_the_others(imap_pok, server, dovecot, run_manage):
    broken = make_pok(
        name="Wrong password",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_user=imap_pok.imap_user,
        imap_password="wrong",
    )
    server.append(mail())
    bad = sync_pok(broken)
    good = sync_pok(imap_pok)
    assert "login refused" in bad.error and "\n" not in bad.line()
    assert good.new == 1
    broken.refresh_from_db()
    assert "login refused" in broken.last_error and broken.last_error_at


def test_self_signed_certificate_gives_one_line(imap_pok, dovecot):
    Pok.objects.filter(pk=imap_pok.pk).update(imap_port=dovecot.imaps_port, imap_security="ssl", imap_verify_cert=True)
    report = sync_pok(Pok.objects.get(pk=imap_pok.pk))
    assert "certificate not trusted" in report.error
    Pok.objects.filter(pk=imap_pok.pk).update(imap_verify_cert=False)
    assert not sync_pok(Pok.objects.get(pk=imap_pok.pk)).error


def test_missing_folder_gives_one_line(imap_pok):
    Pok.objects.filter(pk=imap_pok.pk).update(imap_folder="Nope")
    report = sync_pok(Pok.objects.get(pk=imap_pok.pk))
    assert report.error and "\n" not in report.error


def test_the_broken_corpus_never_crashes_a_run(imap_pok, server):
    from pathlib import Path

    from imapclient.exceptions import IMAPClientError

    corpus = Path(__file__).resolve().parent / "parsing" / "corpus"
    appended = 0
    for path in sorted([*corpus.glob("broken/*.eml"), *corpus.glob("odd/*.eml"), *corpus.glob("charsets/*.eml")]):
        try:
            server.append(path.read_bytes())
            appended += 1
        except IMAPClientError:
            pass  # the server itself refuses some (e.g. an empty message): nothing to sync then
    assert appended >= 30
    first = run(imap_pok)
    assert (first.new, first.failed) == (appended, 0)
    assert Message.objects.filter(pok=imap_pok).count() == appended
    second = run(imap_pok)
    assert second.deleted == appended and server.messages() == []
