import re
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


def lines(html: str) -> list[str]:
    """Each result as the text a person reads."""
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", html, re.DOTALL)]


def card_link(email):
    return f'href="{reverse("customer_card")}?email={quote(email, safe="")}"'


def test_htmx_request_gets_the_results_fragment(staff_client, indexed):
    response = staff_client.get(SEARCH_URL, {"q": "łódź"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    found = lines(html)
    assert "Jan Kowalski Jan.Kowalski@Example.com +48 600 100 200 ul. Długa 1, 90-001 Łódź found in address" in found
    assert "Zofia Zażółć zofia@example.com (22) 555 12 34 ul. Długa 1, LODZ found in address" in found
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
    assert lines(response.content.decode())[0].startswith("Jan Kowalski")
    with django_assert_max_num_queries(5):  # and the companies and addresses of the results found there
        response = staff_client.get(SEARCH_URL, {"q": "lodz"}, **HTMX)
    assert len(lines(response.content.decode())) == 3


def test_a_match_outside_the_shown_fields_shows_the_shops_own_value_with_the_match_marked(staff_client, indexed):
    company = staff_client.get(SEARCH_URL, {"q": "gęś syn"}, **HTMX).content.decode()
    assert "<mark>Gęś</mark> i <mark>Syn</mark> sp. z o.o." in company and "found in company" in company

    tax_id = staff_client.get(SEARCH_URL, {"q": "1234563218"}, **HTMX).content.decode()
    assert "PL <mark>123-456-32-18</mark>" in tax_id and "found in tax ID" in tax_id

    polish = staff_client.get(SEARCH_URL, {"q": "lodz"}, HTTP_ACCEPT_LANGUAGE="pl", **HTMX).content.decode()
    assert "90-001 <mark>Łódź</mark>" in polish and "znaleziono w: adres" in polish


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


def test_each_result_is_one_line_naming_the_field_that_matched_with_the_text_marked(staff_client, indexed):
    html = staff_client.get(SEARCH_URL, {"q": "kowalski"}, **HTMX).content.decode()
    assert html.count('class="search-hit"') == 1 and "<br" not in html
    assert '<span class="hit-field">Jan <mark>Kowalski</mark></span>' in html
    assert '<span class="hit-field">Jan.<mark>Kowalski</mark>@Example.com</span>' in html
    assert "found in first and last name, e-mail" in html

    phone = staff_client.get(SEARCH_URL, {"q": "600 100 200"}, **HTMX).content.decode()
    assert '<span class="hit-field">+48 <mark>600 100 200</mark></span>' in phone and "found in phone" in phone

    city = staff_client.get(SEARCH_URL, {"q": "Łódź zazolc"}, **HTMX).content.decode()
    assert '<span class="hit-field"><mark>Zażółć</mark></span>' not in city  # the surname is marked in the name
    assert "Zofia <mark>Zażółć</mark>" in city and "ul. Długa 1, <mark>LODZ</mark>" in city  # as the shop wrote it
    assert "found in first and last name, address" in city

    polish = staff_client.get(SEARCH_URL, {"q": "kowalski"}, HTTP_ACCEPT_LANGUAGE="pl", **HTMX).content.decode()
    assert "znaleziono w: imię i nazwisko, e-mail" in polish


def test_the_recipient_look_up_offers_customers_that_fill_the_address(staff_client, indexed):
    url = reverse("search:recipients")
    html = staff_client.get(url, {"recipient": "kowal"}, **HTMX).content.decode()
    assert 'data-fill-recipient="Jan.Kowalski@Example.com"' in html and "<mark>Kowal</mark>ski" in html
    assert "<a " not in html, "a choice fills the field; it does not leave the form"
    assert staff_client.get(url, {"recipient": "k"}, **HTMX).content.decode().strip() == ""
    assert staff_client.get(url, {"recipient": "gdańsk"}, **HTMX).content.decode().strip() == ""
    assert staff_client.get(url, {"recipient": "\x00" * 3000}, **HTMX).status_code == 400
    assert staff_client.get(url, {"recipient": "kowalski" * 500}, **HTMX).status_code == 200


def test_the_recipient_look_up_costs_a_bounded_number_of_queries(staff_client, indexed, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # session, user, search
        staff_client.get(reverse("search:recipients"), {"recipient": "jan"}, **HTMX)
