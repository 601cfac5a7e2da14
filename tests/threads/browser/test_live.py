"""Live lists in Chromium: mail arriving through real Dovecot + sync_inbox shows up in an open INBOX
without a reload, keeping the half-typed filter, the ticked rows and the scroll position."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_pok, make_staff
from tests.mailsync.mails import mail
from tests.threads.browser.conftest import log_in
from threads.models import Thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_open_inbox_shows_new_mail_by_itself(page, live_server, dovecot, mailbox_user, run_manage, settings):
    settings.CRM_LIVE_POLL_SECONDS = 1
    user, password = mailbox_user
    pok = make_pok(
        name="Sklep", imap_host=dovecot.host, imap_port=dovecot.imap_port, imap_user=user, imap_password=password
    )
    make_staff("anna", pok)
    for n in range(30):
        dovecot.append(user, password, mail(subject=f"Pytanie {n:02d}", message_id=f"<q{n}@example.pl>"))
    assert run_manage("sync_inbox").returncode == 0

    page.set_viewport_size({"width": 1200, "height": 600})
    log_in(page, live_server, "anna", "pass-anna")
    chip_new = page.locator(".pok-chip .count-new")
    expect(chip_new).to_have_text("30 new")
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    page.get_by_role("checkbox", name="Choose this thread").nth(2).check()
    page.locator("[data-search-focus]").fill("paczk")  # typed, not submitted
    page.mouse.wheel(0, 400)
    page.wait_for_function("() => window.scrollY > 0")  # a function: CSP forbids eval of a string
    scrolled = page.evaluate("window.scrollY")
    page.evaluate("window.notReloaded = true")
    # The first poll learns what the page shows; only later changes refresh it.
    page.wait_for_function("() => document.getElementById('live-poll').dataset.version !== ''")

    dovecot.append(user, password, mail(subject="Gdzie jest moja paczka?", message_id="<new@example.pl>"))
    assert run_manage("sync_inbox").returncode == 0
    assert Thread.objects.filter(pok=pok).count() == 31

    expect(page.get_by_role("link", name="Gdzie jest moja paczka?")).to_be_visible(timeout=10_000)
    expect(page.locator("#live-new")).to_have_text("1 new since you looked")
    expect(chip_new).to_have_text("31 new")
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("[data-search-focus]").input_value() == "paczk"
    boxes = page.get_by_role("checkbox", name="Choose this thread")
    assert [boxes.nth(n).is_checked() for n in range(4)] == [False, False, True, False]
    assert page.evaluate("window.scrollY") == scrolled
