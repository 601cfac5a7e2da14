"""Content-Security-Policy in Chromium: the main pages load with no violation, and htmx still works."""

import pytest
from playwright.sync_api import expect

from pok.models import Pok
from search.indexing import reindex_full
from tests.threads.browser.conftest import demo, log_in, outside_world  # noqa: F401 (fixtures)
from tests.threads.ui.mails import PNG, receive
from threads.models import Thread

pytestmark = pytest.mark.browser

# Every frame (the mail's srcdoc frames too) notes what the policy blocked.
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  (window.cspViolations = window.cspViolations || []).push(
    `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`
  );
}, true);
"""
STYLED_MAIL = (
    '<div style="color: #c00; padding: 4px"><p>Order <b>1234</b></p>'
    '<img src="cid:logo@shop" alt="logo"><img src="https://images.example/banner.png" alt="remote"></div>'
)


@pytest.fixture
def watched(page):
    """The page, with the policy's violations collected from the console and from every frame's events."""
    console = []
    page.on(
        "console", lambda message: console.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def violations():
        seen = list(console)
        for frame in page.frames:
            seen += frame.evaluate("window.cspViolations || []")
        return seen

    page.violations = violations
    return page


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    page.wait_for_load_state("networkidle")
    assert page.violations() == [], url


def test_main_pages_load_without_a_violation(watched, live_server, demo, outside_world):  # noqa: F811
    page = watched
    reindex_full()
    pok = Pok.objects.order_by("pk").first()
    message = receive(pok, subject="Styled mail", html=STYLED_MAIL, inline_images=[("logo@shop", PNG)])
    thread = message.thread
    visit(page, f"{live_server.url}/login/")
    log_in(page, live_server, "demo", demo)
    assert page.violations() == []
    pages = [
        "/",
        f"/pok/{pok.pk}/inbox/",
        f"/pok/{pok.pk}/archive/",
        f"/pok/{pok.pk}/new/",
        "/mine/",
        "/search/customers/?q=jan",
        "/customer/?email=jan.kowalski%40example.com",
        "/stats/",
        "/personal-data/?email=jan.kowalski%40example.com",
        "/cron/",
        "/admin/",
        "/admin/pok/pok/",
        f"/admin/pok/pok/{pok.pk}/change/",
    ]
    for path in pages:
        visit(page, live_server.url + path)

    # The thread: the mail's frame gets its stylesheet (allowed by hash) and the mail's inline styles.
    visit(page, f"{live_server.url}/t/{thread.public_id}/")
    frame = page.locator("iframe.mail-frame").first.content_frame
    expect(frame.locator("b")).to_have_text("1234")
    assert frame.locator("body").evaluate("body => getComputedStyle(body).marginTop") == "0px"
    assert frame.locator("div").first.evaluate("div => getComputedStyle(div).color") == "rgb(204, 0, 0)"
    assert frame.locator("img[alt=logo]").evaluate("img => img.complete && img.naturalWidth") == 1
    assert not [url for url in outside_world if "images.example" in url]
    # Remote images once asked for: the page's policy lets them in for that page only.
    visit(page, f"{live_server.url}/t/{thread.public_id}/?images=1")
    assert [url for url in outside_world if "images.example" in url]


def test_htmx_still_works_under_the_policy(watched, live_server, demo):  # noqa: F811
    page = watched
    reindex_full()
    log_in(page, live_server, "anna", demo)
    page.evaluate("window.notReloaded = true")
    page.locator("#customer-search-q").press_sequentially("kowalski", delay=20)
    page.locator("#customer-search-results li a").first.wait_for()
    assert page.evaluate("window.notReloaded") is True

    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    with page.expect_request(lambda request: request.url.endswith(f"/t/{thread.public_id}/presence/")):
        page.goto(f"{live_server.url}/t/{thread.public_id}/")
    page.evaluate("window.notReloaded = true")
    page.select_option("#state_owner", label="Demo Admin")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("owner")).to_have_text("Demo Admin")
    assert page.evaluate("window.notReloaded") is True
    page.wait_for_load_state("networkidle")
    assert page.violations() == []
