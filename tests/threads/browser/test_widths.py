"""Every staff page at a phone's width and a desktop's: nothing wider than the window (no sideways scroll)."""

import json

import pytest

from tests.threads.browser.conftest import log_in
from threads.models import Thread

pytestmark = pytest.mark.browser

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1440, "height": 900}]


def page_paths() -> list[str]:
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    pok = thread.pok.pk
    return [
        "/",
        f"/pok/{pok}/inbox/",
        f"/pok/{pok}/archive/",
        "/mine/?status=archived",
        f"/t/{thread.public_id}/",
        f"/pok/{pok}/new/",
        "/customer/?email=jan.kowalski%40example.com",
        "/search/customers/?q=kowalski",
        "/stats/",
        "/personal-data/?email=jan.kowalski%40example.com",
        "/cron/",
        "/preferences/",
    ]


def overflow(page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.documentElement;
            // The outermost elements reaching past the window's right edge say what to fix.
            const wide = [...document.body.querySelectorAll("*")].filter(
                (el) => el.getBoundingClientRect().right > root.clientWidth + 0.5
                    && el.parentElement.getBoundingClientRect().right <= root.clientWidth + 0.5
            ).slice(0, 5).map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join("."));
            return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
        }"""
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_no_page_scrolls_sideways(page, live_server, demo, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/login/")
    sizes = overflow(page)
    assert sizes["scroll"] <= sizes["client"], sizes
    log_in(page, live_server, "demo", demo)
    too_wide = {}
    for path in page_paths():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        sizes = overflow(page)
        if sizes["scroll"] > sizes["client"]:
            too_wide[path] = sizes
    assert not too_wide, json.dumps(too_wide, indent=1)


def test_phone_lists_show_the_subject_and_thread_actions_are_reachable(page, live_server, demo):
    page.set_viewport_size(VIEWPORTS[0])
    log_in(page, live_server, "demo", demo)
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    page.goto(f"{live_server.url}/pok/{thread.pok.pk}/inbox/")
    link = page.get_by_role("link", name="Gdzie jest moja paczka?")
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    link.click()
    for name in ("Reply and archive", "Reply and wait", "Add note"):
        button = page.get_by_role("button", name=name)
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, name
