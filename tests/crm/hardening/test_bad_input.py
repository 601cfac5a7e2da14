"""The bad input an attack review found giving HTTP 500, one by one, and the door that now stops it."""

import socket
from urllib.parse import urlsplit

import pytest

from crm.middleware import MAX_QUERY_VALUE_CHARS, path_problem, query_problem
from tests.threads.ui.mails import receive
from threads.tables import PER_PAGE


@pytest.fixture
def thread(pok_a):
    return receive(pok_a).thread


@pytest.mark.parametrize(
    "url",
    [
        "/customer/?email=ab%00cd",
        "/search/customers/?q=zam%C3%B3wienie%00",
        "/pok/{pok}/next/?after=ab%00cd",
        "/t/{thread}%00/",
        "/t/{thread}/?images=%00",
        "/personal-data/?email=jan%00@example.com",
        "/stats/?date_from=%ff%fe",
        "/customer/?email=" + "a" * (MAX_QUERY_VALUE_CHARS + 1),
    ],
)
def test_nul_invalid_utf8_and_overlong_values_get_400(anna_client, pok_a, thread, url):
    response = anna_client.get(url.format(pok=pok_a.pk, thread=thread.public_id))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("Bad request: ")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("page", ["/pok/{pok}/inbox/", "/pok/{pok}/archive/", "/mine/", "/stats/"])
def test_out_of_range_dates_are_a_form_error(anna_client, pok_a, thread, page, field, day):
    response = anna_client.get(page.format(pok=pok_a.pk), {field: day})
    assert response.status_code == 200
    form = response.context["filter_form" if "filter_form" in response.context else "form"]
    assert form.errors[field] == [
        "Ensure this value is greater than or equal to 1970-01-01."
        if day.startswith("0001")
        else "Ensure this value is less than or equal to 2100-12-31."
    ]


def test_statistics_csv_with_an_impossible_date_is_400(anna_client, pok_a):
    response = anna_client.get("/stats/days.csv", {"date_to": "9999-12-31"})
    assert response.status_code == 400
    assert "2100-12-31" in response.content.decode()


def test_an_owner_id_beyond_64_bits_is_refused(anna_client, thread):
    response = anna_client.post(f"/t/{thread.public_id}/state/", {"owner": "9" * 30}, follow=True)
    assert response.status_code == 200
    assert "Only staff of this service point can own its threads." in response.content.decode()
    thread.refresh_from_db()
    assert thread.owner is None


def raw_request(live_server, target: bytes) -> int:
    """Status of a GET sent as raw bytes, as a client that does not percent-encode would send it."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        status_line = connection.makefile("rb").readline()
    return int(status_line.split()[1])


@pytest.mark.parametrize("target", [b"/t/%FF%FE/", b"/t/\xff\xfe/", b"/login/?next=%FF", b"/t/%00/"])
def test_a_real_server_refuses_a_path_that_is_not_utf8(live_server, target):
    assert raw_request(live_server, target) == 400


def test_the_door_lets_ordinary_input_through():
    assert path_problem("/t/ABCDEFG/") == ""
    assert path_problem("/customer/żółw/") == ""
    assert query_problem("q=%25&text=_&email=jan%2Bshop%40example.com&poks=1&poks=2&date_to=2026-01-31") == ""
    assert query_problem("q=%&x&=&&q=zam%C3%B3wienie+nr+5") == ""
    assert query_problem("q=" + "ż" * MAX_QUERY_VALUE_CHARS) == ""  # characters count, not bytes
    assert query_problem("q=" + "ż" * (MAX_QUERY_VALUE_CHARS + 1)) != ""
    assert query_problem("a%00b=1") != ""  # names too


@pytest.mark.parametrize("per_page", ["-1", "0", "1000000"])
def test_the_page_size_of_the_lists_is_ours(anna_client, pok_a, thread, per_page):
    response = anna_client.get(f"/pok/{pok_a.pk}/inbox/", {"per_page": per_page})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == PER_PAGE


def test_a_service_point_id_beyond_64_bits_is_a_form_error(anna_client):
    response = anna_client.get("/stats/", {"poks": "9" * 30})
    assert response.status_code == 200
    assert response.context["form"].errors["poks"] == [f"“{'9' * 30}” is not a valid value."]


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "django_language"])
def test_a_nul_in_a_cookie_is_400(client, db, settings, cookie):
    client.cookies[cookie] = "\x00" * 40  # sent as "\000\000...", which Django's cookie parser decodes
    response = client.get("/login/")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
