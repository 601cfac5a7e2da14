"""Attachments and raw messages in an S3 bucket (a real S3 API server: moto's, on 127.0.0.1):
written by mail sync and replies, read through the permission-checked views, deleted by an
erasure, and moved there from the disk by one idempotent command."""

from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from mailsync.storing import store_message
from tests.factories import make_staff
from tests.mailsync.mails import mail
from tests.servers._local import HOST, free_port
from tests.threads.gdpr.conftest import JAN, PDF_BYTES
from tests.threads.gdpr.test_erase import erase_through_http
from threads import services
from threads.composing import OutgoingFile
from threads.models import Attachment, Message
from threads.outbox import deliver

PAYLOAD = bytes(range(256)) * 300
LOCAL_DISK = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def files_on_disk(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_synced_mail_lands_in_the_bucket_and_downloads_through_the_views(
    transactional_db, s3_bucket, s3_server, imap_pok, server, run_manage, media_root
):
    raw = mail(subject="Faktura", attachments=[("faktura.pdf", PAYLOAD, "application/pdf")])
    server.append(raw)

    result = run_manage("sync_inbox")

    assert result.returncode == 0, result.stderr
    message = Message.objects.get(pok=imap_pok)
    attachment = Attachment.objects.get(message=message)
    assert sorted([message.raw.name, attachment.file.name]) == s3_server.keys(s3_bucket)
    assert files_on_disk(media_root) == [], "nothing is written to the local disk"
    client = logged_in(make_staff("anna", imap_pok))
    thread = message.thread
    response = client.get(reverse("threads:attachment", args=[thread.public_id, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PAYLOAD
    response = client.get(reverse("threads:raw", args=[thread.public_id, message.pk]))
    assert b"".join(response.streaming_content).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    stranger = logged_in(make_staff("stranger"))
    assert stranger.get(reverse("threads:attachment", args=[thread.public_id, attachment.pk])).status_code == 404


def test_an_object_missing_from_the_bucket_is_a_404(db, s3_bucket, s3_server, pok):
    _status, message = store_message(pok, mail(attachments=[("a.pdf", PAYLOAD, "application/pdf")]))
    attachment = message.attachments.get()
    s3_server.client().delete_object(Bucket=s3_bucket, Key=attachment.file.name)
    client = logged_in(make_staff("anna", pok))
    response = client.get(reverse("threads:attachment", args=[message.thread.public_id, attachment.pk]))
    assert response.status_code == 404


def test_an_unreachable_bucket_is_a_503_page_not_a_500(db, s3_bucket, s3_server, pok, monkeypatch, settings):
    import environ

    from crm.config import file_storage

    _status, message = store_message(pok, mail(attachments=[("a.pdf", PAYLOAD, "application/pdf")]))
    attachment = message.attachments.get()
    # The same bucket behind an address where nothing answers: the store is down.
    monkeypatch.setenv("CRM_S3_ENDPOINT_URL", f"http://{HOST}:{free_port()}")
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(environ.Env())}
    client = logged_in(make_staff("anna", pok))
    for url in (
        reverse("threads:attachment", args=[message.thread.public_id, attachment.pk]),
        reverse("threads:raw", args=[message.thread.public_id, message.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "The file store cannot be reached right now" in response.content.decode()


def test_a_reply_with_an_attachment_is_sent_from_the_bucket(db, s3_bucket, s3_server, smtp_server, pok):
    pok.smtp_host, pok.smtp_port = smtp_server.host, smtp_server.port
    pok.save()
    _status, first = store_message(pok, mail())
    clerk = make_staff("clerk", pok)
    sent_before = len(smtp_server.messages)

    reply = services.reply(
        first.thread,
        author=clerk,
        text="W załączniku faktura.",
        files=[OutgoingFile("faktura.pdf", PAYLOAD, "application/pdf")],
    )

    assert deliver(reply.pk)
    reply.refresh_from_db()
    assert reply.delivery == "sent"
    assert reply.raw.name in s3_server.keys(s3_bucket)
    [(_from, _to, sent)] = smtp_server.messages[sent_before:]
    assert b"faktura.pdf" in sent


def test_an_erasure_deletes_the_persons_objects_from_the_bucket(
    s3_bucket,
    s3_server,
    world,
    django_capture_on_commit_callbacks,
):
    jan_messages = Message.objects.filter(thread=world.jan_thread)
    jan_keys = [m.raw.name for m in jan_messages if m.raw] + [world.jan_in_zofia.raw.name]
    jan_keys += [a.file.name for a in Attachment.objects.filter(message__in=jan_messages)]
    kept = [m.raw.name for m in Message.objects.filter(thread=world.grzegorz_thread) if m.raw]
    keys = s3_server.keys(s3_bucket)
    assert kept and set(jan_keys + kept) <= set(keys)
    pdf = Attachment.objects.get(message__thread=world.jan_thread)
    assert pdf.file.read() == PDF_BYTES

    response = erase_through_http(world, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    left = s3_server.keys(s3_bucket)
    assert not set(jan_keys) & set(left)
    assert set(kept) <= set(left)
    assert not Message.objects.filter(from_address=JAN).exists()


def test_files_move_from_the_disk_into_the_bucket_once(
    transactional_db, s3_bucket, s3_server, pok, run_manage, media_root
):
    with override_settings(STORAGES={"default": LOCAL_DISK, "staticfiles": LOCAL_DISK}):
        for n in range(3):
            store_message(pok, mail(subject=f"Stara {n}", attachments=[(f"plik{n}.pdf", PAYLOAD, "application/pdf")]))
    on_disk = files_on_disk(media_root)
    assert len(on_disk) == 6 and s3_server.keys(s3_bucket) == []
    lost = Attachment.objects.order_by("pk").last()
    (media_root / lost.file.name).unlink()

    first = run_manage("move_files_to_storage")

    assert first.returncode == 0, first.stderr
    assert "Moving 6 files" in first.stdout
    assert "Done, 6 files: copied 5, already there 0, missing on disk 1, local copies removed 0" in first.stdout
    assert lost.file.name in first.stderr
    names = [m.raw.name for m in Message.objects.all()] + [a.file.name for a in Attachment.objects.all()]
    assert sorted(set(names) - {lost.file.name}) == s3_server.keys(s3_bucket)
    attachment = Attachment.objects.order_by("pk").first()
    assert attachment.file.read() == PAYLOAD  # through the bucket now
    client = logged_in(make_staff("anna", pok))
    response = client.get(reverse("threads:attachment", args=[attachment.message.thread.public_id, attachment.pk]))
    assert b"".join(response.streaming_content) == PAYLOAD

    again = run_manage("move_files_to_storage", "--delete")

    assert again.returncode == 0, again.stderr
    assert "copied 0, already there 5, missing on disk 1, local copies removed 5" in again.stdout
    assert files_on_disk(media_root) == []


def test_moving_files_needs_a_bucket(transactional_db, run_manage):
    result = run_manage("move_files_to_storage")
    assert result.returncode != 0
    assert "CRM_S3_BUCKET" in result.stderr


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"CRM_S3_ADDRESSING_STYLE": "sideways"}, "CRM_S3_ADDRESSING_STYLE"),
        ({"CRM_S3_ACCESS_KEY_ID": "only-the-id"}, "CRM_S3_SECRET_ACCESS_KEY"),
    ],
)
def test_a_wrong_bucket_setting_is_one_line(variables, named, run_manage, monkeypatch):
    monkeypatch.setenv("CRM_S3_BUCKET", "crm")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = run_manage("check")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and named in result.stderr


def test_mail_whose_files_cannot_be_written_stays_on_the_server_until_the_store_is_back(
    transactional_db, s3_bucket, s3_server, imap_pok, server, run_manage, media_root, monkeypatch
):
    raw = mail(subject="Reklamacja", attachments=[("zdjecie.pdf", PAYLOAD, "application/pdf")])
    server.append(raw)
    live_endpoint = s3_server.environment(s3_bucket)["CRM_S3_ENDPOINT_URL"]
    monkeypatch.setenv("CRM_S3_ENDPOINT_URL", f"http://{HOST}:{free_port()}")

    down = run_manage("sync_inbox")

    assert Message.objects.filter(pok=imap_pok).count() == 0, "nothing half-stored while the store is down"
    assert len(server.messages()) == 1, "the mail stays on the server"
    assert "failed 1" in down.stdout, down.stdout + down.stderr
    assert s3_server.keys(s3_bucket) == []
    assert files_on_disk(media_root) == []

    monkeypatch.setenv("CRM_S3_ENDPOINT_URL", live_endpoint)
    back = run_manage("sync_inbox")

    assert back.returncode == 0, back.stderr
    message = Message.objects.get(pok=imap_pok)
    assert message.attachments.get().file.name in s3_server.keys(s3_bucket)
    assert run_manage("sync_inbox").returncode == 0
    assert Message.objects.filter(pok=imap_pok).count() == 1, "stored once"
