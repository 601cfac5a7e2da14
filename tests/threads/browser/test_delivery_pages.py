"""In Chromium, SMTP down then up: the thread stays in the INBOX marked, the error is a
sentence with the technical line folded away, the counts show it, and a retry files the thread."""

import re

import pytest
from playwright.sync_api import expect

from tests.threads.browser.conftest import log_in
from threads.models import Status, Thread

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        (
            "en-US",
            {
                "reply": "Reply and archive",
                "not sent": "Not sent: The mail server cannot be reached",
                "human": "The mail server cannot be reached",
                "details": "Technical details",
                "retry": "Retry now",
                "sent": "Sent; the thread is archived.",
                "status": "archived",
                "chip": "✗ 1 undelivered",
            },
        ),
        (
            "pl-PL",
            {
                "reply": "Odpowiedz i archiwizuj",
                "not sent": "Nie wysłano: Nie można połączyć się z serwerem poczty",
                "human": "Nie można połączyć się z serwerem poczty",
                "details": "Szczegóły techniczne",
                "retry": "Ponów teraz",
                "sent": "Wysłano; wątek przeniesiono do archiwum.",
                "status": "archiwalny",
                "chip": "✗ 1 niedostarczony",
            },
        ),
    ],
)
def test_smtp_down_then_up(browser, live_server, demo, smtp_up, locale, texts):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    try:
        log_in(page, live_server, "anna", demo)
        thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
        page.goto(f"{live_server.url}/t/{thread.public_id}/")
        smtp_up.stop()
        page.fill("#id_text", "Paczka dotrze jutro.")
        page.get_by_role("button", name=texts["reply"]).click()
        expect(page.locator("#flash .flash-error")).to_contain_text(texts["not sent"])
        expect(page.locator("#flash .flash-success")).to_have_count(0)
        expect(page.get_by_test_id("status")).to_have_text(re.compile(r"^(new|nowy)$"))
        expect(page.get_by_test_id("chip-undelivered").first).to_have_text(texts["chip"])
        error = page.get_by_test_id("delivery-error").last
        expect(error).to_contain_text(texts["human"])
        technical = error.locator("details.technical code")
        expect(technical).to_be_hidden()
        error.get_by_text(texts["details"]).click()
        expect(technical).to_contain_text(f":{smtp_up.port}")
        assert Thread.objects.get(pk=thread.pk).status == Status.NEW

        page.goto(f"{live_server.url}/pok/{thread.pok_id}/inbox/")
        expect(page.locator("tr.thread-undelivered")).to_have_count(1)
        expect(page.locator("tr.thread-undelivered")).to_contain_text("Gdzie jest moja paczka?")

        smtp_up.start()
        page.goto(f"{live_server.url}/t/{thread.public_id}/")
        page.get_by_role("button", name=texts["retry"]).click()
        expect(page.locator("#flash .flash-success")).to_have_text(texts["sent"])
        expect(page.get_by_test_id("status")).to_contain_text(texts["status"])
        expect(page.get_by_test_id("chip-undelivered")).to_have_count(0)
        assert Thread.objects.get(pk=thread.pk).status == Status.ARCHIVED
    finally:
        page.goto("about:blank")
        context.close()
