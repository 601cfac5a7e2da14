"""Preferences in Chromium: the user menu's language switch persists (reload, logging out and in), and browser
notifications: the prompt asked once, a customer's answer in an owned thread notifies, a click opens it."""

import time

import pytest
from playwright.sync_api import expect

from crm.models import Preferences
from tests.factories import make_pok, make_staff
from tests.threads.browser.conftest import log_in
from tests.threads.ui.mails import receive
from threads.models import Thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records every notification the page makes (they are real ones: the permission is granted).
NOTIFICATION_SPY = """
window.__notifications = [];
const Real = window.Notification;
class Spy extends Real {
  constructor(title, options) { super(title, options); window.__notifications.push(this); }
}
window.Notification = Spy;
"""


@pytest.fixture
def polish_page(browser):
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    yield page
    page.goto("about:blank")
    context.close()
    time.sleep(0.5)


def wait_until(page, expression, timeout=10.0):
    """page.wait_for_function polls with eval, which the CSP forbids: poll with evaluate instead."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, expression
        time.sleep(0.1)


def switch_language(page, name):
    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name=name).click()


def test_the_language_switch_persists(polish_page, live_server, screenshots):
    page = polish_page
    make_staff("ewa", make_pok(name="Sklep"))
    log_in(page, live_server, "ewa", "pass-ewa")
    expect(page.get_by_role("link", name="Przegląd", exact=True)).to_be_visible()

    page.locator("details.user-menu summary").click()
    expect(page.get_by_role("link", name="Ustawienia")).to_be_visible()
    page.wait_for_timeout(300)  # the menu's fade-in
    page.screenshot(path=screenshots / "user-menu.png")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()
    expect(page.get_by_role("link", name="Overview", exact=True)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Zaloguj się")).to_be_visible()  # logged out: the browser's Polish
    log_in(page, live_server, "ewa", "pass-ewa")
    expect(page.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/mine/")
    expect(page.get_by_role("heading", name="My threads")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    switch_language(page, "Polski")
    expect(page.get_by_role("heading", name="Moje wątki")).to_be_visible()  # back on the same page
    page.locator("details.user-menu summary").click()  # the open menu fits a phone
    expect(page.get_by_role("link", name="Ustawienia")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert Preferences.objects.get(user__username="ewa").language == "pl"


@pytest.fixture
def owner_page(browser, live_server, settings):
    settings.CRM_LIVE_POLL_SECONDS = 1
    context = browser.new_context(locale="en-US")
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(NOTIFICATION_SPY)
    page = context.new_page()
    yield page
    page.goto("about:blank")
    context.close()
    time.sleep(0.5)


def test_a_customer_answer_in_an_owned_thread_notifies_and_the_click_opens_it(owner_page, live_server, screenshots):
    page = owner_page
    pok = make_pok(name="Sklep")
    anna = make_staff("anna", pok)
    first = receive(pok, subject="Broken zipper", sender="Jan Kowalski <jan@example.com>")
    Thread.objects.filter(pk=first.thread_id).update(owner=anna)
    log_in(page, live_server, "anna", "pass-anna")

    prompt = page.locator("#notify-prompt")
    expect(prompt).to_be_hidden()  # not on load
    expect(prompt).to_be_visible(timeout=10_000)  # after the page has been open a while
    page.screenshot(path=screenshots / "notification-prompt.png")
    prompt.get_by_role("button", name="Turn on").click()
    expect(prompt).to_be_hidden()
    wait_until(page, "document.getElementById('live-poll').dataset.notify === 'on'")
    deadline = time.monotonic() + 10
    while not Preferences.objects.filter(user=anna, browser_notifications="on").exists():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    page.wait_for_timeout(2500)  # a couple of quiet polls
    assert page.evaluate("window.__notifications.length") == 0

    token = first.thread.token
    receive(pok, subject=f"Re: [{token}] Broken zipper", sender="Jan Kowalski <jan@example.com>")
    receive(pok, subject="Someone else's thread")
    wait_until(page, "window.__notifications.length > 0")
    page.wait_for_timeout(2500)
    notes = page.evaluate("window.__notifications.map(n => [n.title, n.body])")
    assert notes == [[f"{token} Broken zipper", "Jan Kowalski answered a thread you own."]]

    page.evaluate("window.__notifications[0].dispatchEvent(new Event('click'))")
    page.wait_for_url(f"{live_server.url}/t/{first.thread.public_id}/")
    expect(page.get_by_role("heading", name="Broken zipper")).to_be_visible()


def test_no_thanks_is_remembered(owner_page, live_server):
    page = owner_page
    make_staff("anna", make_pok(name="Sklep"))
    log_in(page, live_server, "anna", "pass-anna")
    prompt = page.locator("#notify-prompt")
    expect(prompt).to_be_visible(timeout=10_000)
    prompt.get_by_role("button", name="No, thanks").click()
    expect(prompt).to_be_hidden()
    deadline = time.monotonic() + 10
    while not Preferences.objects.filter(user__username="anna", browser_notifications="off").exists():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    page.reload()
    page.wait_for_timeout(2500)
    assert page.locator("#notify-prompt").count() == 0
