"""Bulk actions in Chromium: tick rows (or the whole page, or all matching the filter), choose, apply."""

import pytest
from playwright.sync_api import expect

from tests.threads.browser.conftest import log_in
from threads.models import Status, Thread

pytestmark = pytest.mark.browser


def test_tick_rows_and_archive_them_then_all_matching(page, live_server, demo):
    pok = Thread.objects.get(subject="Gdzie jest moja paczka?").pok
    inbox = list(Thread.objects.filter(pok=pok, status__in=[Status.NEW, Status.WAITING]).order_by("last_message_at"))
    log_in(page, live_server, "anna", demo)
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    page.get_by_role("checkbox", name="Choose this thread").nth(0).check()
    page.get_by_role("checkbox", name="Choose this thread").nth(1).check()
    page.select_option("#bulk-action", label="waiting")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#flash")).to_contain_text("2 threads changed.")
    assert [t.status for t in Thread.objects.filter(pk__in=[t.pk for t in inbox[:2]])] == [Status.WAITING] * 2

    page.get_by_role("checkbox", name="Choose every thread on this page").check()
    assert all(box.is_checked() for box in page.get_by_role("checkbox", name="Choose this thread").all())
    page.get_by_role("checkbox", name="Choose every thread on this page").uncheck()
    page.locator("[data-bulk-all]").check()
    page.select_option("#bulk-action", label="archived")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#flash")).to_contain_text(f"{len(inbox)} threads changed.")
    expect(page.locator("table.thread-table")).to_contain_text("No threads here.")
    assert not Thread.objects.filter(pok=pok, status__in=[Status.NEW, Status.WAITING]).exists()
