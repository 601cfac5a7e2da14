"""An expired session during an htmx request (the as-you-type customer search) sends the whole page to
the login page and back afterwards, never a login form inside the results box."""

import pytest
from playwright.sync_api import expect

from tests.threads.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_search_after_the_session_expired_goes_to_the_login_and_back(page, live_server, demo):
    log_in(page, live_server, "anna", demo)
    page.goto(f"{live_server.url}/search/customers/?q=")
    page.context.clear_cookies()
    page.locator("#customer-search-q").fill("kowalski")
    page.wait_for_url("**/login/?next=**")
    assert page.locator("#customer-search-results").count() == 0
    page.fill("#id_username", "anna")
    page.fill("#id_password", demo)
    page.click("button[type=submit]")
    page.wait_for_url("**/search/customers/**")
    expect(page.locator("#customer-search-q")).to_be_visible()
