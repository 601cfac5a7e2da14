"""Hand-over (forwarding a thread to a colleague, an anchor in the last section of docs/spec.md): assigning a thread to someone else through the page mails them a link."""

from email import message_from_bytes, policy

from django.conf import settings
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import receive


def assign(client, thread, owner, capture):
    with capture(execute=True):
        response = client.post(reverse("threads:state", args=[thread.public_id]), {"owner": owner.pk})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.owner == owner


def mails_to(smtp_server, address) -> list:
    return [
        message_from_bytes(raw, policy=policy.default)
        for _sender, recipients, raw in smtp_server.messages
        if recipients == [address]
    ]


def test_assigning_someone_else_mails_them_the_thread_link(
    anna_client, sending_pok, anna, smtp_server, django_capture_on_commit_callbacks
):
    piotr = make_staff("piotr", sending_pok)
    piotr.email = "piotr@shop-a.example"
    piotr.save()
    thread = receive(sending_pok, subject="Broken zipper").thread
    assign(anna_client, thread, piotr, django_capture_on_commit_callbacks)

    [notice] = mails_to(smtp_server, "piotr@shop-a.example")
    body = notice.get_content()
    link = settings.CRM_BASE_URL.rstrip("/") + reverse("threads:detail", args=[thread.public_id])
    assert link in body and "Broken zipper" in body and "Anna Nowak" in body
    assert thread.token in notice["Subject"] and notice["From"] == sending_pok.from_address


def test_assigning_yourself_sends_nothing(
    anna_client, sending_pok, anna, smtp_server, django_capture_on_commit_callbacks
):
    anna.email = "anna@shop-a.example"
    anna.save()
    thread = receive(sending_pok).thread
    sent_before = len(smtp_server.messages)
    assign(anna_client, thread, anna, django_capture_on_commit_callbacks)
    assert len(smtp_server.messages) == sent_before
    assert mails_to(smtp_server, "anna@shop-a.example") == []
