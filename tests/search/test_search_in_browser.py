"""The search panel in Debian's Chromium: results appear under the form as the user types."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from search.indexing import reindex_full


@pytest.mark.browser
def test_results_appear_as_the_user_types_and_open_the_card(transactional_db, live_server, page, shop):
    reindex_full()
    client = Client()
    client.force_login(User.objects.create_user("agent", is_staff=True))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("search:customers"))
    page.evaluate("window.notReloaded = true")

    page.locator("#customer-search-q").press_sequentially("jan łódź", delay=20)

    result = page.locator("#customer-search-results li a")
    result.first.wait_for()
    assert result.count() == 1
    # One line, the matched text marked, the fields it was found in named.
    assert result.locator(".hit-field").all_inner_texts()[:3] == [
        "Jan Kowalski",
        "Jan.Kowalski@Example.com",
        "+48 600 100 200",
    ]
    assert result.locator("mark").all_inner_texts() == ["Jan", "Jan", "Łódź"]
    assert result.locator(".hit-matched").inner_text() == "found in first and last name, e-mail, address"
    one_line = "(el) => el.getBoundingClientRect().height < 2.2 * parseFloat(getComputedStyle(el).fontSize)"
    assert result.first.evaluate(one_line)
    assert result.first.evaluate("(el) => getComputedStyle(el).textDecorationLine") == "none"
    assert page.evaluate("window.notReloaded") is True
    page.locator("#customer-search-q").fill("z")
    page.locator("#customer-search-results .search-hint").wait_for()
    assert result.count() == 0
    page.locator("#customer-search-q").fill("600 100 200")
    result.first.click()
    page.wait_for_url(f"**{reverse('customer_card')}?email={quote('Jan.Kowalski@Example.com', safe='')}")
