"""import_prestashop --source api against a local server speaking the Webservice's JSON."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from customers.models import Customer, OrderDetail, OrderHistory
from tests.customers.importing.fake_webservice import FakeWebservice
from tests.customers.importing.mirror import expected_content, mirror_content
from tests.customers.importing.shop_data import ago, shop_rows
from tests.customers.importing.webservice_data import NOT_EXPOSED, webservice_resources

pytestmark = pytest.mark.django_db
KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456"


@pytest.fixture
def rows():
    return shop_rows()


@pytest.fixture
def webservice(rows):
    fake = FakeWebservice(KEY, webservice_resources(rows))
    yield fake
    fake.stop()


def run_import(settings, fake, *args, key=KEY, fails_with="") -> tuple[str, str]:
    settings.CRM_PRESTASHOP_API_URL = fake.url if isinstance(fake, FakeWebservice) else fake
    settings.CRM_PRESTASHOP_API_KEY = key
    out, err = StringIO(), StringIO()
    command = ("import_prestashop", "--source=api", "--batch-size=2", *args)
    if fails_with:
        with pytest.raises(CommandError, match=fails_with):
            call_command(*command, stdout=out, stderr=err)
    else:
        call_command(*command, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def expected(rows) -> dict:
    content = expected_content(rows, absent=NOT_EXPOSED)
    content["customer"][(3,)]["lastname"] = "Kowal\ufffd"
    content["customer"][(4,)]["date_add"] = content["customer"][(4,)]["date_upd"]
    return content


def limits(fake: FakeWebservice, resource: str) -> list[str]:
    return [query["limit"] for name, query in fake.requests if name == resource]


def test_full_import_pages_through_every_resource(webservice, rows, import_settings):
    out, err = run_import(import_settings, webservice)

    assert mirror_content() == expected(rows)
    # Four customers in pages of two: the third page is `[]`, which ends the paging.
    assert limits(webservice, "customers") == ["0,2", "2,2", "4,2"]
    assert "WARNING resource customers: id 3, column lastname: broken UTF-8" in err
    assert "column(s)" not in err  # address.active is known not to be exposed
    assert "resource addresses: 5 read, 4 written, 1 skipped" in out


def test_incremental_import_asks_for_changed_rows_and_full_import_drops_deleted_ones(webservice, rows, import_settings):
    run_import(import_settings, webservice)
    webservice.requests.clear()
    rows["customer"][0].update(email="jan@example.pl", date_upd=ago(0))
    rows["order_history"].append(
        {"id_order_history": 6, "id_employee": 2, "id_order": 1, "id_order_state": 2, "date_add": ago(0)}
    )
    webservice.resources.update(webservice_resources(rows))

    run_import(import_settings, webservice)

    customer_queries = [query for name, query in webservice.requests if name == "customers"]
    assert all(
        query["date"] == "1" and query["filter[date_upd]"].startswith(f"[{ago(10, 10)}") for query in customer_queries
    )
    assert Customer.objects.get(pk=1).email == "jan@example.pl"
    assert OrderHistory.objects.filter(order_id=1).count() == 3  # order 1 is recent: its history is re-read

    del rows["order_detail"][1]
    rows["customer"] = [row for row in rows["customer"] if row["id_customer"] != 2]
    webservice.resources.clear()
    webservice.resources.update(webservice_resources(rows))
    run_import(import_settings, webservice, "--full")

    assert mirror_content() == expected(rows)
    assert not OrderDetail.objects.filter(pk=2).exists()


def test_wrong_key_stops_with_one_line_without_the_key(webservice, import_settings):
    wrong = "WRONGKEYWRONGKEYWRONGKEYWRONGKEY"
    with pytest.raises(CommandError) as raised:
        run_import(import_settings, webservice, key=wrong)
    message = str(raised.value)
    assert "HTTP 401" in message and "CRM_PRESTASHOP_API_KEY" in message and "not active" in message
    assert wrong not in message and "\n" not in message
    assert not Customer.objects.exists()


def test_resource_without_permission_is_reported_and_the_rest_imported(rows, import_settings):
    resources = webservice_resources(rows)
    fake = FakeWebservice(KEY, resources, allowed=set(resources) - {"order_histories"})
    try:
        out, err = run_import(import_settings, fake, fails_with="1 table")
    finally:
        fake.stop()
    assert "ERROR resource order_histories: " in err and 'Resource of type "order_histories" is not allowed' in err
    assert Customer.objects.count() == 4 and OrderDetail.objects.count() == 5
    assert not OrderHistory.objects.exists()


def test_unreachable_webservice_names_the_setting(import_settings):
    with pytest.raises(
        CommandError, match="cannot reach the shop's Webservice at http://127.0.0.1:1/api/ .CRM_PRESTASHOP_API_URL"
    ):
        run_import(import_settings, "http://127.0.0.1:1/api")
