"""The personal-data page in Chromium: a superuser looks an address up and the page shows what is held.
The screenshot is for the README (docs/screenshots with CRM_UPDATE_SCREENSHOTS=1)."""

import pytest
from django.urls import reverse

from tests.threads.gdpr.conftest import JAN, build_world


@pytest.mark.browser
def test_personal_data_page_in_chromium(transactional_db, live_server, page, screenshots):
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
    page.screenshot(path=str(screenshots / "personal-data.png"), full_page=True)
    assert (screenshots / "personal-data.png").stat().st_size > 10_000
