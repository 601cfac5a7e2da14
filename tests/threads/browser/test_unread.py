"""Unread per staff member in Chromium: bold rows and counts, plain after opening, "mark unread",
unread again when the customer writes; another staff member's reading changes nothing for this one."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.threads.browser.conftest import log_in
from tests.threads.ui.mails import receive
from threads import services
from threads.models import Thread

pytestmark = pytest.mark.browser
User = get_user_model()
UNREAD = re.compile(r"\bunread\b")


def row(page, subject):
    return page.locator("table.thread-table tbody tr", has=page.get_by_role("link", name=subject, exact=True))


def test_unread_bold_then_plain_after_opening_and_mark_unread(page, live_server, demo):
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    pok = thread.pok
    inbox = Thread.objects.filter(pok=pok, status__in=["new", "waiting"], last_customer_at__isnull=False).count()
    # Another staff member reading a thread does not make it read for anna.
    services.mark_read([thread], user=User.objects.get(username="demo"))
    log_in(page, live_server, "anna", demo)
    chip = page.locator(".pok-chip", has_text=pok.name)
    expect(chip.locator(".unread-count")).to_have_text(f"{inbox} unread")
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    expect(row(page, thread.subject)).to_have_class(UNREAD)
    assert (
        row(page, thread.subject).locator("td.col-subject a").evaluate("a => getComputedStyle(a).fontWeight") == "700"
    )

    page.get_by_role("link", name=thread.subject, exact=True).click()
    expect(chip.locator(".unread-count")).to_have_text(f"{inbox - 1} unread")
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    expect(row(page, thread.subject)).not_to_have_class(UNREAD)
    assert (
        row(page, thread.subject).locator("td.col-subject a").evaluate("a => getComputedStyle(a).fontWeight") == "400"
    )

    page.get_by_role("link", name=thread.subject, exact=True).click()
    page.get_by_role("button", name="Mark unread").click()
    page.wait_for_url(f"**/pok/{pok.pk}/inbox/")
    expect(page.locator("#flash")).to_contain_text(f"Marked unread: {thread.token}")
    expect(row(page, thread.subject)).to_have_class(UNREAD)
    expect(chip.locator(".unread-count")).to_have_text(f"{inbox} unread")


def test_a_customer_answer_makes_an_opened_thread_unread_again(page, live_server, demo):
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    log_in(page, live_server, "anna", demo)
    page.goto(f"{live_server.url}/t/{thread.public_id}/")
    page.goto(f"{live_server.url}/pok/{thread.pok.pk}/inbox/")
    expect(row(page, thread.subject)).not_to_have_class(UNREAD)
    receive(
        thread.pok,
        sender=f"Jan Kowalski <{thread.customer_email}>",
        subject=f"Re: {thread.subject} [{thread.token}]",
        text="Nadal nic nie przyszło.",
    )
    page.reload()
    expect(row(page, thread.subject)).to_have_class(UNREAD)
