"""The personal-data page in Chromium: a superuser looks an address up and the page shows what is held.
The screenshot goes to docs/screenshots for the README."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.gdpr.conftest import JAN, build_world

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "personal-data.png"


@pytest.mark.browser
def test_personal_data_page_in_chromium(transactional_db, live_server, page):
    world = build_world()
    world.admin.set_password("a-long-password")
    world.admin.save()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "a-long-password")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/**")

    page.goto(f"{live_server.url}{reverse('gdpr:person')}")
    page.fill("input[name=email]", JAN)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector(".gdpr-threads")

    text = page.inner_text("main")
    assert "Gęś i Syn sp. z o.o." in text and world.jan_thread.token in text and "Kurier DPD Polska" in text
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
