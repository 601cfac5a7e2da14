from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from search.indexing import reindex_full
from tests.search.conftest import make_customer

SEARCH_URL = reverse("search:customers")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the UI strings asserted are the English ones
    return client


@pytest.fixture
def staff_client(client, db):
    client.force_login(User.objects.create_user("agent", is_staff=True))
    return client


@pytest.fixture
def indexed(shop):
    make_customer("Ola", "Plus", "ola+shop@example.com", addresses=[{"city": "Łódź"}])
    reindex_full()


def card_link(email):
    return f'href="{reverse("customer_card")}?email={quote(email, safe="")}"'


def test_htmx_request_gets_the_results_fragment(staff_client, indexed):
    response = staff_client.get(SEARCH_URL, {"q": "łódź"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "Jan Kowalski, Jan.Kowalski@Example.com, +48 600 100 200" in html
    assert "Zofia Zażółć, zofia@example.com, (22) 555 12 34" in html
    assert card_link("ola+shop@example.com") in html
    assert "Nowak" not in html


def test_plain_get_gets_a_page_with_the_form_and_results(staff_client, indexed):
    response = staff_client.get(SEARCH_URL, {"q": "lodz kowalski"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'name="q"' in html and 'value="lodz kowalski"' in html
    assert card_link("Jan.Kowalski@Example.com") in html
    assert "Zofia" not in html


def test_panel_form_searches_as_the_user_types(staff_client, db):
    html = staff_client.get(SEARCH_URL).content.decode()
    assert f'hx-get="{SEARCH_URL}"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'hx-target="#customer-search-results"' in html and 'id="customer-search-results"' in html


def test_no_match_and_one_letter_queries_say_so(staff_client, indexed):
    assert "No customer matches" in staff_client.get(SEARCH_URL, {"q": "gdańsk"}, **HTMX).content.decode()
    assert "Type at least two" in staff_client.get(SEARCH_URL, {"q": "k"}, **HTMX).content.decode()


def test_many_results_show_the_more_hint(staff_client, db):
    for n in range(25):
        make_customer("Anna", "Nowak", f"anna{n}@example.com")
    reindex_full()
    html = staff_client.get(SEARCH_URL, {"q": "nowak"}, **HTMX).content.decode()
    assert html.count("<li>") == 20
    assert "type more to narrow the search" in html


def test_search_costs_a_bounded_number_of_queries(staff_client, indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # session, user, search
        response = staff_client.get(SEARCH_URL, {"q": "jan 600 100 200"}, **HTMX)
    assert "Jan Kowalski" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(SEARCH_URL, {"q": "jan"}, **HTMX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_non_staff_user_is_refused(client, indexed):
    client.force_login(User.objects.create_user("customer"))
    response = client.get(SEARCH_URL, {"q": "jan"}, **HTMX)
    assert response.status_code == 403
    assert "Kowalski" not in response.content.decode()


def test_only_get_is_allowed(staff_client, db):
    assert staff_client.post(SEARCH_URL, {"q": "jan"}).status_code == 405
