"""The statistics page and its CSV exports: permissions, filters, content, query counts."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import make_pok, make_staff
from tests.threads.stats import dataset
from tests.threads.stats.dataset import PERIOD, answer, at, receive

PERIOD_QUERY = {"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()}


def csv_rows(response):
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=","))


@pytest.mark.parametrize("name, args", [("stats:overview", []), ("stats:csv", ["days"])])
def test_visitors_go_to_the_login_page(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name, args", [("stats:overview", []), ("stats:csv", ["days"])])
def test_users_who_are_not_staff_are_refused(client, django_user_model, name, args):
    client.force_login(django_user_model.objects.create_user("customer", password="x"))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_page_shows_the_figures_of_the_period(client, helpdesk):
    client.force_login(helpdesk["boss"])
    response = client.get(reverse("stats:overview"), PERIOD_QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sklep Gęś – BOK" in page and "Goose Shop" in page
    assert "35 min" in page and "47 min" in page  # Goose's first response median and p90
    assert "25 h 00 min" in page and "25 h 48 min" in page  # its resolution
    assert "Anna Żak" in page
    charts = response.context["charts"]
    assert charts["days"] == ["3 March", "4 March", "5 March"]
    assert charts["poks"] == ["Goose Shop", "Sklep Gęś – BOK"]
    assert charts["received"] == [[0, 2, 1], [1, 2, 2]]
    assert charts["answered"] == [[0, 2, 1], [2, 3, 0]]
    assert charts["firstResponse"] == {"median": [1.0, 0.6], "p90": [1.4, 0.8]}
    assert 'id="stats-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "crm-stats.js" in page


def test_staff_of_another_pok_see_nothing_of_it(client, helpdesk):
    client.force_login(helpdesk["john"])
    page = client.get(reverse("stats:overview"), PERIOD_QUERY).content.decode()
    assert "Goose Shop" in page
    assert "Sklep Gęś" not in page and "Anna" not in page
    # Naming the other POK in the filter is refused, not answered.
    response = client.get(reverse("stats:overview"), {**PERIOD_QUERY, "poks": [helpdesk["goose"].pk]})
    assert response.status_code == 200
    assert "report" not in response.context
    assert "Sklep Gęś" not in response.content.decode()
    refused = client.get(reverse("stats:csv", args=["days"]), {**PERIOD_QUERY, "poks": [helpdesk["goose"].pk]})
    assert refused.status_code == 400
    rows = csv_rows(client.get(reverse("stats:csv", args=["days"]), PERIOD_QUERY))
    assert {row[1] for row in rows[1:]} == {"Goose Shop"}


def test_pok_filter_on_the_page(client, helpdesk):
    client.force_login(helpdesk["boss"])
    response = client.get(reverse("stats:overview"), {**PERIOD_QUERY, "poks": [helpdesk["shop_b"].pk]})
    assert response.context["charts"]["poks"] == ["Goose Shop"]
    assert [row["name"] for row in response.context["staff_rows"]] == ["john"]
    # The CSV links carry the same filter.
    links = [url for url, _label in response.context["csv_links"]]
    assert all(f"poks={helpdesk['shop_b'].pk}" in url and "date_from=2025-03-03" in url for url in links)


def test_default_period_is_the_last_30_days(client, helpdesk):
    client.force_login(helpdesk["boss"])
    report = client.get(reverse("stats:overview")).context["report"]
    assert len(report.days) == 30
    assert (report.date_to - report.date_from).days == 29


@pytest.mark.parametrize(
    "query, problem",
    [
        ({"date_from": "2025-03-05", "date_to": "2025-03-01"}, "The start of the period is after its end."),
        ({"date_from": "2020-01-01", "date_to": "2025-01-01"}, "The period is too long"),
        ({"date_from": "yesterday"}, "Enter a valid date."),
        ({"poks": "abc"}, "is not a valid value"),
    ],
)
def test_bad_input_is_explained_not_crashed_on(client, helpdesk, query, problem):
    client.force_login(helpdesk["boss"])
    page = client.get(reverse("stats:overview"), query)
    assert page.status_code == 200
    assert problem in page.content.decode()
    exported = client.get(reverse("stats:csv", args=["days"]), query)
    assert exported.status_code == 400
    assert problem in exported.content.decode()


def test_unknown_csv_table_is_a_bad_request(client, helpdesk):
    client.force_login(helpdesk["boss"])
    assert client.get(reverse("stats:csv", args=["secrets"])).status_code == 400


def test_csv_per_day_and_pok(client, helpdesk):
    client.force_login(helpdesk["boss"])
    response = client.get(reverse("stats:csv", args=["days"]), PERIOD_QUERY)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statistics-days-2025-03-03-2025-03-05.csv"'
    assert csv_rows(response) == [
        ["Date", "Service point", "Received", "Answered"],
        ["2025-03-03", "Goose Shop", "0", "0"],
        ["2025-03-03", "Sklep Gęś – BOK", "1", "2"],
        ["2025-03-04", "Goose Shop", "2", "2"],
        ["2025-03-04", "Sklep Gęś – BOK", "2", "3"],
        ["2025-03-05", "Goose Shop", "1", "1"],
        ["2025-03-05", "Sklep Gęś – BOK", "2", "0"],
    ]


def test_csv_per_pok_in_whole_minutes(client, helpdesk):
    client.force_login(helpdesk["boss"])
    rows = csv_rows(client.get(reverse("stats:csv", args=["poks"]), PERIOD_QUERY))
    assert rows[0][:4] == ["Service point", "Received", "Answered", "Unanswered"]
    assert rows[1:] == [
        ["Goose Shop", "3", "3", "0", "3", "60", "84", "0", "", ""],
        ["Sklep Gęś – BOK", "5", "5", "1", "4", "35", "47", "2", "1500", "1548"],
        ["All selected service points", "8", "8", "1", "7", "40", "72", "2", "1500", "1548"],
    ]


def test_csv_per_staff_member(client, helpdesk):
    client.force_login(helpdesk["boss"])
    response = client.get(reverse("stats:csv", args=["staff"]), PERIOD_QUERY)
    assert response["Content-Disposition"] == 'attachment; filename="statistics-staff-2025-03-03-2025-03-05.csv"'
    assert csv_rows(response) == [
        [
            "Staff member",
            "User name",
            "Replies sent",
            "Threads owned",
            "First responses",
            "First response median (minutes)",
        ],
        ["Anna Żak", "anna", "4", "3", "3", "30"],
        ["john", "john", "3", "3", "3", "60"],
        ["boss", "boss", "1", "0", "1", "50"],
    ]


def test_csv_in_polish_uses_semicolons(client, helpdesk):
    client.force_login(helpdesk["boss"])
    response = client.get(reverse("stats:csv", args=["days"]), PERIOD_QUERY, HTTP_ACCEPT_LANGUAGE="pl")
    lines = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[2] == "2025-03-03;Sklep Gęś – BOK;1;2"


def _threads(pok, staff, count):
    for number in range(count):
        thread = receive(pok, at(3, 8, number % 60))
        answer(thread, staff, at(4, 9, number % 60))
        dataset.archive(thread, at(5, 10))


@pytest.mark.parametrize("name, args", [("stats:overview", []), ("stats:csv", ["staff"])])
def test_query_count_does_not_grow_with_the_threads(client, db, django_assert_max_num_queries, name, args):
    poks = [make_pok(name="One"), make_pok(name="Two", from_address="two@shop.example")]
    staff = [make_staff("ola", poks[0]), make_staff("ewa", poks[1])]
    boss = make_staff("szef", superuser=True)
    client.force_login(boss)
    query = {**PERIOD_QUERY, "poks": [pok.pk for pok in poks]}
    for pok, member in zip(poks, staff, strict=False):
        _threads(pok, member, 5)
    with django_assert_max_num_queries(100) as few:
        assert client.get(reverse(name, args=args), query).status_code == 200
    for pok, member in zip(poks, staff, strict=False):
        _threads(pok, member, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200


def test_page_renders_in_polish(client, helpdesk):
    client.force_login(helpdesk["boss"])
    response = client.get(reverse("stats:overview"), PERIOD_QUERY, HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    assert '<html lang="pl"' in response.content.decode()
    assert response.context["charts"]["days"] == ["3 marca", "4 marca", "5 marca"]
