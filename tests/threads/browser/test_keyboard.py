"""Keyboard shortcuts in Chromium: lists, the thread page, the customer search, the help overlay;
keys typed into a field stay in the field."""

import re

import pytest
from playwright.sync_api import expect

from tests.threads.browser.conftest import log_in
from threads.models import Direction, Status, Thread

pytestmark = pytest.mark.browser


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.name || ''")


def current_subject(page) -> str:
    return page.locator("tr.kb-current td.col-subject a").inner_text()


def subjects(page) -> list[str]:
    return page.locator("table.thread-table tbody td.col-subject a").all_inner_texts()


def test_j_k_move_and_enter_or_o_open(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    pok = Thread.objects.get(subject="Gdzie jest moja paczka?").pok
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    listed = subjects(page)
    assert len(listed) == 3
    page.keyboard.press("j")
    assert current_subject(page) == listed[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current_subject(page) == listed[2]
    page.keyboard.press("k")
    assert current_subject(page) == listed[1]
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(listed[1])

    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(page.locator("h1")).to_contain_text(listed[0])


def test_slash_focuses_search_and_typing_there_moves_nothing(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    pok = Thread.objects.get(subject="Gdzie jest moja paczka?").pok
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    page.keyboard.press("/")
    assert focused(page) == "filter_text"
    page.keyboard.type("jkjo?/")
    assert page.locator("[data-search-focus]").input_value() == "jkjo?/"
    assert page.locator("tr.kb-current").count() == 0
    assert not page.locator("#keys-help").is_visible()
    assert "/inbox/" in page.url


def test_question_mark_shows_the_help_and_escape_closes_it(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    page.keyboard.press("?")
    help_box = page.locator("#keys-help")
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("Ctrl")
    page.keyboard.press("j")  # nothing behind the overlay moves
    page.keyboard.press("Escape")
    expect(help_box).to_be_hidden()


def test_r_writes_a_reply_ctrl_enter_sends_it_and_archives(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    page.goto(f"{live_server.url}/t/{thread.public_id}/")
    page.keyboard.press("r")
    assert focused(page) == "id_text"
    # Every shortcut letter typed in the reply box is text, not a command.
    page.keyboard.type("Paczka wyszła: jutro u Pana. ?/ajkwnro")
    assert page.get_by_test_id("status").inner_text() == "new"
    page.keyboard.press("Control+Enter")
    expect(page.locator("#flash")).to_contain_text("the thread is archived")
    thread.refresh_from_db()
    assert thread.status == Status.ARCHIVED
    assert thread.messages.filter(direction=Direction.OUTGOING, body_text__contains="?/ajkwnro").exists()


def test_n_writes_a_note_and_ctrl_enter_adds_it(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    page.goto(f"{live_server.url}/t/{thread.public_id}/")
    replies = thread.messages.filter(direction=Direction.OUTGOING).count()
    page.keyboard.press("n")
    assert focused(page) == "id_text"
    page.keyboard.type("Klient dzwonił, czeka na kuriera.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".msg-note").last).to_contain_text("Klient dzwonił")
    thread.refresh_from_db()
    assert thread.status == Status.NEW
    assert thread.messages.filter(direction=Direction.OUTGOING).count() == replies


def test_w_sets_waiting_and_a_archives(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    page.goto(f"{live_server.url}/t/{thread.public_id}/")
    page.keyboard.press("w")
    expect(page.get_by_test_id("status")).to_have_text("waiting")
    thread.refresh_from_db()
    assert thread.status == Status.WAITING
    page.keyboard.press("a")
    expect(page.get_by_test_id("status")).to_have_text("archived")
    thread.refresh_from_db()
    assert thread.status == Status.ARCHIVED


def test_arrow_keys_and_enter_in_the_customer_search(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    page.keyboard.press("/")
    assert focused(page) == "customer-search-q"
    page.keyboard.type("kowalski")
    results = page.locator("#customer-search-results .search-results a")
    expect(results.first).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement === document.querySelector('.search-results a')")
    page.keyboard.press("ArrowUp")
    assert focused(page) == "customer-search-q"
    page.keyboard.press("ArrowDown")
    first = results.first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/customer/\?email="))
    assert page.url.endswith(first)

    page.go_back()
    page.locator("#customer-search-q").fill("jan.kowalski")
    expect(results.first).to_contain_text("jan.kowalski@example.com")
    page.locator("#customer-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/customer/\?email=jan\.kowalski"))
