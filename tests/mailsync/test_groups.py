"""sync_inbox stores a group of messages in one transaction, tried first without a savepoint per message
and, when anything in it fails, again message by message: nothing is lost, nothing stored twice, the
report counts a group once, and a reply joins a thread begun earlier in the same group."""

import gc

import pytest

from mailsync import imap_sync
from mailsync.imap_sync import sync_pok
from pok.models import Pok
from tests.mailsync.mails import mail
from threads import counts
from threads.models import Attachment, BlockedSender, EventKind, Message, Status, Thread

pytestmark = pytest.mark.django_db(transaction=True)


def run(pok):
    report = sync_pok(Pok.objects.get(pk=pok.pk))
    assert not report.error, report.error
    return report


def test_a_reply_joins_the_thread_begun_earlier_in_the_same_group(imap_pok, server):
    server.append(mail(subject="Gdzie paczka?", message_id="<start@example.pl>"))
    server.append(mail(subject="Inny temat", message_id="<other@example.pl>"))
    server.append(mail(subject="Re: Gdzie paczka?", message_id="<reply@example.pl>", in_reply_to="<start@example.pl>"))
    report = run(imap_pok)
    assert (report.new, report.duplicates, report.failed) == (3, 0, 0)
    start, reply = (
        Message.objects.get(message_id="start@example.pl"),
        Message.objects.get(message_id="reply@example.pl"),
    )
    assert reply.thread_id == start.thread_id
    assert Thread.objects.get(pk=start.thread_id).message_count == 2
    assert Thread.objects.count() == 2


def test_a_group_that_fails_as_a_whole_is_stored_again_message_by_message(imap_pok, server):
    """The same Message-ID twice in one group: the second insert breaks the bulk attempt (unique identity),
    the retry stores every other message once and counts the copy as a duplicate."""
    invoice = [("faktura.pdf", b"%PDF-1.4 faktura", "application/pdf")]
    for n in range(5):
        server.append(
            mail(subject=f"Pytanie {n}", message_id=f"<q{n}@example.pl>", attachments=invoice if n == 3 else ())
        )
    server.append(mail(subject="Pytanie 2 again", message_id="<q2@example.pl>"))
    server.append(mail(subject="Pytanie 6", message_id="<q6@example.pl>"))
    report = run(imap_pok)
    assert (report.new, report.duplicates, report.failed) == (6, 1, 0)
    assert sorted(Message.objects.values_list("message_id", flat=True)) == [
        f"q{n}@example.pl" for n in (0, 1, 2, 3, 4, 6)
    ]
    assert Message.objects.get(message_id="q2@example.pl").subject == "Pytanie 2"
    attachment = Attachment.objects.get()
    assert attachment.message.message_id == "q3@example.pl"
    with attachment.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 faktura"
    pok = Pok.objects.get(pk=imap_pok.pk)
    assert pok.last_uid == max(uid for uid, _raw in server.messages())
    assert counts.stored(pok.pk) == counts.recounted(pok.pk)
    assert sum(counts.stored(pok.pk).values()) == 6


def test_groups_split_by_count_and_keep_order(imap_pok, server, monkeypatch):
    monkeypatch.setattr(imap_sync, "COMMIT_GROUP", 2)
    for n in range(5):
        server.append(mail(subject=f"Wiadomość {n}", message_id=f"<g{n}@example.pl>"))
    report = run(imap_pok)
    assert report.new == 5 and Message.objects.count() == 5
    assert Pok.objects.get(pk=imap_pok.pk).last_uid == max(uid for uid, _raw in server.messages())
    assert run(imap_pok).new == 0


def test_blocked_senders_are_read_once_per_run_and_still_apply(imap_pok, server):
    BlockedSender.objects.create(pok_id=imap_pok.pk, pattern="spam.example")
    server.append(mail(sender="Promo <oferta@news.spam.example>", message_id="<s1@example.pl>"))
    server.append(mail(message_id="<ok@example.pl>"))
    run(imap_pok)
    spam = Message.objects.get(message_id="s1@example.pl")
    assert spam.spam_reason == "blocked: spam.example" and spam.thread.status == Status.SPAM
    # Its events were written at the end of the group, in the order they happened.
    assert list(spam.thread.events.values_list("kind", "new_value")) == [
        (EventKind.CREATED, Status.NEW),
        (EventKind.STATUS, Status.SPAM),
    ]
    assert Message.objects.get(message_id="ok@example.pl").thread.status == Status.NEW


def test_a_group_of_new_threads_costs_a_fixed_number_of_queries(imap_pok, server, django_assert_max_num_queries):
    """The group's threads, messages, attachments, first events, counts and mark one statement each, its
    references one look-up; the blocked senders read per run (PostgreSQL: 17-19 queries for the run)."""
    invoice = [("faktura.pdf", b"%PDF-1.4 faktura", "application/pdf")]
    for n in range(40):
        server.append(
            mail(subject=f"Zapytanie {n}", message_id=f"<c{n}@example.pl>", attachments=invoice if n % 4 else ())
        )
    with django_assert_max_num_queries(20):
        assert run(imap_pok).new == 40
    assert Attachment.objects.count() == 30 and Thread.objects.filter(message_count=1).count() == 40


def test_stored_groups_leave_no_messages_to_the_collector(imap_pok, server):
    """Each group's Messages (in reference cycles with their FieldFile and Thread) are collected as the run
    goes, not left, bodies and all, for Python's rare passes over everything."""
    for n in range(imap_sync.COMMIT_GROUP * 2 + 5):
        server.append(mail(subject=f"Pytanie {n}", message_id=f"<g{n}@example.pl>", body="Dzień dobry\n" * 500))
    gc.collect()
    assert run(imap_pok).new == imap_sync.COMMIT_GROUP * 2 + 5
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        left = [each for each in gc.garbage if isinstance(each, Message)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
