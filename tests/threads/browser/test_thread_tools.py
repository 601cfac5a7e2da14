"""The thread tools in Chromium: filters with sorting, a canned reply into the reply box, the collision warning, the INBOX walk."""

import pytest
from playwright.sync_api import expect

from tests.threads.browser.conftest import log_in
from threads.models import CannedReply, Thread

pytestmark = pytest.mark.browser


def test_filter_keeps_the_sort_and_clear_removes_the_filter(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    pok = Thread.objects.get(subject="Gdzie jest moja paczka?").pok
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    page.locator("th a", has_text="Subject").click()
    page.wait_for_url("**sort=subject**")
    page.fill("#filter_text", "paczkomacie")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**text=paczkomacie**")
    assert "sort=subject" in page.url
    expect(page.locator("table.thread-table tbody tr")).to_have_count(1)
    expect(page.locator("table.thread-table")).to_contain_text("Gdzie jest moja paczka?")
    page.get_by_role("button", name="Clear").click()
    expect(page.locator("table.thread-table tbody tr")).to_have_count(3)


def test_canned_reply_goes_into_the_reply_box(page, live_server, demo):
    CannedReply.objects.create(
        name="Paczka w drodze", language="pl", text="Dzień dobry {first_name}, sprawa {thread_id}."
    )
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    log_in(page, live_server, "anna", demo)
    page.goto(f"{live_server.url}/t/{thread.public_id}/")
    page.fill("#id_text", "")
    page.select_option("#canned", label="Paczka w drodze")
    expect(page.locator("#id_text")).to_have_value(f"Dzień dobry Jan, sprawa {thread.token}.")
    expect(page.locator("#canned")).to_have_value("")


def test_the_other_sees_the_collision_warning(browser, live_server, demo):
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    pages = {}
    for username in ("anna", "demo"):
        pages[username] = browser.new_context(locale="en-US").new_page()
        log_in(pages[username], live_server, username, demo)
        pages[username].goto(f"{live_server.url}/t/{thread.public_id}/")
    try:
        expect(pages["demo"].locator("#presence")).to_contain_text(
            "Anna Nowak is also viewing this thread", timeout=15_000
        )
        pages["anna"].locator("#id_text").press_sequentially("Dzień dobry")
        warning = pages["demo"].locator("#presence .presence-writing")
        expect(warning).to_contain_text("Anna Nowak is writing a reply", timeout=15_000)
        pages["anna"].goto(f"{live_server.url}/")  # leaving the thread ends her presence at once
        expect(pages["demo"].locator("#presence")).to_be_empty(timeout=15_000)
    finally:
        for page in pages.values():
            page.context.close()


def test_next_thread_button_walks_the_inbox(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    pok = Thread.objects.get(subject="Gdzie jest moja paczka?").pok
    walk = list(Thread.objects.filter(pok=pok, status="new").order_by("last_message_at", "id"))
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    for thread in walk:
        page.get_by_role("button", name="Next thread needing an answer").click()
        expect(page.get_by_test_id("token")).to_have_text(thread.token)
    page.get_by_role("button", name="Next thread needing an answer").click()
    expect(page.get_by_test_id("token")).to_have_text(walk[0].token)
    expect(page.locator("#flash")).to_contain_text("back to the oldest thread")
