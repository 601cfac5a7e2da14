"""Reading at a glance in Chromium: a new thread from the customer card with the recipient looked up as
one types, one status-and-owner control, staff by name, and the lists' ages, counts and paging."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from pok.models import Pok
from tests.threads.browser.conftest import log_in
from tests.threads.browser.test_widths import overflow
from threads.models import Direction, Status, Thread

pytestmark = pytest.mark.browser

NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_new_thread_from_the_card_with_the_recipient_looked_up(page, live_server, demo, smtp_server):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "demo", demo)
    goose = Pok.objects.get(name="Goose Shop – Support")
    page.goto(f"{live_server.url}/customer/?email={quote('jan.kowalski@example.com')}")
    start = page.get_by_test_id("new-thread-for-customer")
    start.get_by_label("From the service point").select_option(label=goose.name)
    start.get_by_role("button", name="New thread to this customer").click()
    page.wait_for_url(re.compile(rf"/pok/{goose.pk}/new/\?recipient=jan\.kowalski%40example\.com$"))
    recipient = page.locator("#id_recipient")
    expect(recipient).to_have_value("jan.kowalski@example.com")

    # The look-up: the customer search as one types; arrows and Enter choose, the address is filled in.
    recipient.fill("")
    recipient.press_sequentially("kowalski", delay=20)
    choices = page.locator("#recipient-results .search-hit")
    expect(choices.first).to_be_visible()
    expect(choices.first.locator("mark").first).to_have_text(re.compile("kowalski", re.IGNORECASE))
    assert page.evaluate(NO_SIDEWAYS), overflow(page)
    wanted = choices.first.get_attribute("data-fill-recipient")
    recipient.press("ArrowDown")
    assert page.evaluate("document.activeElement.matches('#recipient-results .search-hit')")
    page.keyboard.press("Enter")
    expect(recipient).to_have_value(wanted)
    expect(page.locator("#recipient-results .search-hit")).to_have_count(0)
    assert page.evaluate("document.activeElement.id") == "id_subject"

    page.fill("#id_subject", "Pana zamówienie")
    page.fill("#id_text", "Dzień dobry, piszemy w sprawie zamówienia.")
    page.get_by_role("button", name="Send and wait").click()
    expect(page.locator("h1")).to_contain_text("Pana zamówienie")
    thread = Thread.objects.get(subject="Pana zamówienie")
    assert thread.pok == goose and thread.customer_email == wanted.lower()
    assert wanted.lower() in thread.messages.get(direction=Direction.OUTGOING).to.lower()
    assert any(wanted.lower() in [r.lower() for r in recipients] for _s, recipients, _raw in smtp_server.messages)


def test_one_control_sets_status_and_owner_by_name(page, live_server, demo):
    log_in(page, live_server, "demo", demo)
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    page.goto(f"{live_server.url}/t/{thread.public_id}/")
    page.evaluate("window.notReloaded = true")
    state = page.locator("#thread-state")
    expect(state.locator("button")).to_have_count(1)
    state.locator("#state_status").select_option("waiting")
    state.locator("#state_owner").select_option(label="Anna Nowak")
    state.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("owner")).to_have_text("Anna Nowak")
    expect(page.get_by_test_id("status")).to_have_text("waiting")
    expect(page.locator("#history")).to_contain_text("Assigned to Anna Nowak")
    expect(page.locator("#history")).to_contain_text("Status: new → waiting")
    assert page.evaluate("window.notReloaded") is True
    thread.refresh_from_db()
    assert thread.status == Status.WAITING and thread.owner.username == "anna"


def test_lists_show_ages_labeled_counts_and_the_short_to_address(page, live_server, demo):
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, live_server, "demo", demo)
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    page.goto(f"{live_server.url}/pok/{thread.pok.pk}/inbox/")
    row = page.locator("tr", has=page.get_by_role("link", name="Gdzie jest moja paczka?"))
    age = row.locator("td.col-last_message_at time").first
    expect(age).to_have_text(re.compile(r"ago$"))
    assert re.search(r"\d", age.get_attribute("title")), "the exact date on hover"
    to = row.locator("td.col-recipient .address")
    expect(to).to_have_text("bok@…")
    assert to.get_attribute("title") == "bok@sklep-ges.example"
    expect(row.locator("td.col-status .count")).to_have_text(re.compile(r"^\d+ messages?$"))
    expect(page.locator(".pok-chip .count-new").first).to_have_text(re.compile(r"^\d+ new$"))
