import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import translation

from customers.models import Address, Customer
from search.indexing import reindex_customers, reindex_full
from search.models import CustomerIndexEntry
from search.selectors import search_customers
from tests.search.conftest import LONG_AGO, make_address, make_customer

LATER = LONG_AGO + timedelta(days=30)


def found(query):
    return {entry.customer_id for entry in search_customers(query).customers}


def reindex(*args):
    output = io.StringIO()
    with translation.override("en"):
        call_command("reindex_customers", *args, stdout=output)
    return output.getvalue()


@pytest.fixture
def indexed(shop):
    reindex("--full")
    return shop


def test_first_run_builds_the_whole_index(shop):
    output = reindex()
    assert "Rebuilding the whole customer index" in output
    assert "4 index rows written, 0 removed" in output
    assert CustomerIndexEntry.objects.count() == 4


def test_incremental_run_picks_up_a_customer_changed_since_the_last_run(indexed):
    jan = indexed["jan_lodz"]
    Customer.objects.filter(pk=jan.pk).update(lastname="Kowalewski", date_upd=LATER)
    output = reindex()
    assert "changed since" in output
    (result,) = search_customers("kowalewski").customers
    assert (result.customer_id, result.lastname) == (jan.pk, "Kowalewski")


def test_incremental_run_picks_up_a_changed_address(indexed):
    zofia = indexed["zofia"]
    make_address(zofia, city="Gdańsk", phone="+48 777 888 999", when=LATER)
    reindex()
    assert found("gdansk") == found("777888999") == {zofia.pk}
    assert found("lodz zofia") == {zofia.pk}, "the older address stays searchable"


def test_incremental_run_skips_customers_not_changed(indexed):
    Customer.objects.filter(pk=indexed["zofia"].pk).update(firstname="Zosia", date_upd=LATER)
    reindex()
    Customer.objects.filter(pk=indexed["jan_krakow"].pk).update(lastname="Unseen")  # date_upd not moved
    output = reindex()
    assert "Checked 1 customers: 0 index rows written" in output, "only Zofia, the newest change, is re-read"
    assert found("unseen") == set()


def test_incremental_run_drops_soft_and_hard_deleted_customers(indexed):
    Customer.objects.filter(pk=indexed["jan_lodz"].pk).update(deleted=True, date_upd=LATER)
    Address.objects.filter(customer=indexed["zofia"]).delete()
    Customer.objects.filter(pk=indexed["zofia"].pk).delete()  # vanished from the shop: no date_upd to see
    output = reindex()
    assert "2 removed" in output
    assert found("lodz") == set()
    assert set(CustomerIndexEntry.objects.values_list("customer_id", flat=True)) == {
        indexed["jan_krakow"].pk,
        indexed["no_address"].pk,
    }


def test_addresses_of_no_customer_are_skipped(indexed):
    Address.objects.create(
        customer_id=0,
        firstname="Supplier",
        lastname="Hurtownia",
        address1="x",
        city="Łódź",
        date_add=LATER,
        date_upd=LATER,
    )
    reindex()
    assert not CustomerIndexEntry.objects.filter(customer_id=0).exists()


def test_reindex_customers_for_an_importer(indexed):
    jan, ewa = indexed["jan_lodz"], indexed["no_address"]
    Customer.objects.filter(pk=jan.pk).update(firstname="Janusz")  # an import may keep date_upd
    Customer.objects.filter(pk=ewa.pk).delete()
    assert reindex_customers([jan.pk, ewa.pk, jan.pk, 999999]) == 2  # one row rewritten, one removed
    assert found("janusz") == {jan.pk}
    assert found("swiatek") == set()
    assert reindex_customers([jan.pk]) == 0, "an unchanged row is not rewritten"


def test_reindex_customers_of_consecutive_ids_touches_only_them(indexed):
    ids = sorted(customer.pk for customer in indexed.values())
    first, middle, last = ids[0], ids[1], ids[-1]
    Customer.objects.filter(pk=middle).delete()
    Customer.objects.filter(pk=last).update(firstname="Outside")  # not among the ids given
    assert reindex_customers(range(first, middle + 1)) == 1, "the deleted customer's row is removed"
    assert set(CustomerIndexEntry.objects.values_list("customer_id", flat=True)) == set(ids) - {middle}
    assert found("outside") == set()


def test_full_rebuild_keeps_results_while_it_runs(indexed):
    jan = indexed["jan_lodz"]
    Customer.objects.filter(pk=indexed["zofia"].pk).update(deleted=True)
    seen_during_rebuild = []

    def search_meanwhile(done, total):
        seen_during_rebuild.append(found("kowalski"))

    stats = reindex_full(progress=search_meanwhile, batch_size=1)
    assert seen_during_rebuild == [{jan.pk}] * 4
    assert (stats.customers, stats.written, stats.removed) == (4, 0, 1)
    assert found("zazolc") == set()


def test_full_rebuild_drops_rows_above_the_last_customer(indexed):
    last = indexed["no_address"]
    Customer.objects.filter(pk=last.pk).delete()
    assert "1 removed" in reindex("--full")
    assert not CustomerIndexEntry.objects.filter(customer_id=last.pk).exists()


def test_new_customer_with_an_old_date_is_found_after_a_full_rebuild(indexed):
    late = make_customer("Olga", "Żak", "olga@example.com", when=LONG_AGO - timedelta(days=400))
    reindex()
    assert found("zak") == set(), "incremental runs look back only so far"
    reindex("--full")
    assert found("zak") == {late.pk}
