import pytest

from search.indexing import reindex_full
from search.selectors import MAX_QUERY_CHARS, MAX_RESULTS, search_customers
from tests.search.conftest import make_customer


def found(query):
    return {entry.customer_id for entry in search_customers(query).customers}


@pytest.fixture
def indexed(shop):
    reindex_full()
    return {name: customer.id_customer for name, customer in shop.items()}


@pytest.mark.parametrize("query", ["lodz", "LODZ", "Łódź", "łódź"])
def test_city_is_found_with_and_without_national_characters(indexed, query):
    # Jan's address says "Łódź", Zofia's says "LODZ": both ways round.
    assert found(query) == {indexed["jan_lodz"], indexed["zofia"]}


@pytest.mark.parametrize("query", ["zazolc", "ZAŻÓŁĆ", "Zazółc"])
def test_name_is_found_without_national_characters(indexed, query):
    assert found(query) == {indexed["zofia"]}


def test_customer_without_address_is_found(indexed):
    assert found("swiatek") == {indexed["no_address"]}


@pytest.mark.parametrize(
    "query", ["+48 600 100 200", "600-100-200", "600100200", "600 100 200", "0048600100200", "0048 600 100 200"]
)
def test_phone_written_with_prefix_is_found_however_typed(indexed, query):
    assert found(query) == {indexed["jan_lodz"]}


@pytest.mark.parametrize("query", ["+48 501 234 567", "501-234-567", "48501234567"])
def test_mobile_written_plainly_is_found_with_prefix(indexed, query):
    assert found(query) == {indexed["jan_krakow"]}


def test_landline_with_area_code_in_brackets(indexed):
    assert found("22 555 12 34") == found("225551234") == {indexed["zofia"]}


@pytest.mark.parametrize("query", ["1234563218", "123-456-32-18", "PL1234563218", "PL 123 456 32 18", "pl 1234563218"])
def test_nip_is_found_however_typed(indexed, query):
    assert found(query) == {indexed["jan_lodz"]}


def test_nip_kept_in_dni_is_found_written_with_dashes(indexed):
    assert found("PL 987-654-32-10") == {indexed["jan_krakow"]}


def test_email_company_and_postcode(indexed):
    assert found("JAN.KOWALSKI@example") == {indexed["jan_lodz"]}
    assert found("ges i syn") == {indexed["jan_lodz"]}
    assert found("90001") == found("90-001") == {indexed["jan_lodz"]}


def test_several_words_narrow_the_result(indexed):
    assert found("jan") == {indexed["jan_lodz"], indexed["jan_krakow"]}
    assert found("jan łódź") == {indexed["jan_lodz"]}
    assert found("krakow jan") == {indexed["jan_krakow"]}
    assert found("jan gdańsk") == set()


def test_two_letter_words_match_the_start_of_a_word(indexed):
    # Too short for the trigram index anywhere in a word: "ko" finds Kowalski, "ow" does not find Nowak.
    assert found("ko") == {indexed["jan_lodz"]}
    assert found("ow") == set()
    assert found("ja ło") == {indexed["jan_lodz"]}


def test_like_wildcards_in_the_query_are_literal(indexed):
    assert found("j_n") == set()
    assert found("j%n") == set()


def test_result_shows_name_email_and_phone(indexed):
    (result,) = search_customers("kowalski").customers
    assert (result.firstname, result.lastname, result.email, result.phone) == (
        "Jan",
        "Kowalski",
        "Jan.Kowalski@Example.com",
        "+48 600 100 200",
    )


@pytest.mark.parametrize("query", ["", "  ", "a", "ż"])
def test_empty_and_one_letter_queries_give_a_hint_without_querying(indexed, query, django_assert_num_queries):
    with django_assert_num_queries(0):
        outcome = search_customers(query)
    assert outcome.hint and not outcome.customers


def test_guest_checkouts_with_the_same_email_show_once(indexed):
    make_customer("Jan", "Kowalski", "jan.kowalski@example.com", is_guest=True)
    reindex_full()
    assert found("kowalski") == {indexed["jan_lodz"]}


def test_results_are_capped_with_a_more_hint(db):
    for n in range(MAX_RESULTS + 3):
        make_customer("Anna", "Nowak", f"anna{n}@example.com")
    reindex_full()
    outcome = search_customers("nowak")
    assert len(outcome.customers) == MAX_RESULTS and outcome.more
    narrowed = search_customers("anna7@")
    assert len(narrowed.customers) == 1 and not narrowed.more


def test_very_long_query_is_cut(indexed, django_assert_num_queries):
    with django_assert_num_queries(1):
        outcome = search_customers("kowalski " + "x" * 5000)
    assert len(outcome.query) == MAX_QUERY_CHARS
    assert outcome.customers == []
