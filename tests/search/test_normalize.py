import pytest

from crm.text import fold
from search.normalize import phone_forms, tax_id_forms, words
from search.selectors import MAX_WORDS, parse_query


def test_fold_makes_national_characters_ascii_lower_case():
    assert fold("  Zażółć  GĘŚLĄ jaźń ") == "zazolc gesla jazn"
    assert fold("Łódź") == fold("LODZ") == "lodz"


def test_words_drop_surrounding_punctuation_only():
    assert words("(Łódź), ul. Długa 5/7 jan.kowalski@wp.pl") == ["lodz", "ul", "dluga", "5/7", "jan.kowalski@wp.pl"]


@pytest.mark.parametrize(
    "written", ["+48 600 100 200", "600-100-200", "600100200", "0048600100200", "(+48) 600 100 200"]
)
def test_polish_phone_gives_national_and_prefixed_digits(written):
    assert sorted(phone_forms(written)) == ["48600100200", "600100200"]


def test_foreign_and_empty_phones():
    assert phone_forms("+49 151 1234 5678") == ["4915112345678"]
    assert phone_forms(" - ") == []


@pytest.mark.parametrize("written", ["PL 123-456-32-18", "pl1234563218", "PL 123 456 32 18"])
def test_nip_keeps_digits_however_written(written):
    assert tax_id_forms(written) == ["pl1234563218", "1234563218"]


def test_plain_nip():
    assert tax_id_forms("123-45-63-218") == ["1234563218"]


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Jan ŁÓDŹ", [("jan",), ("lodz",)]),
        ("+48 600 100 200", [("48600100200",)]),
        ("0048 600 100 200", [("0048600100200", "48600100200")]),
        ("600-100-200", [("600-100-200", "600100200")]),
        ("PL 123-456-32-18", [("1234563218",)]),
        ("PL1234563218", [("pl1234563218", "1234563218")]),
        # A house number next to a postcode is not a phone; the postcode keeps its leading zeros.
        ("Długa 12 00-950", [("dluga",), ("12",), ("00-950", "00950")]),
        ("jan k", [("jan",)]),
    ],
)
def test_parse_query(query, terms):
    assert parse_query(query) == terms


@pytest.mark.parametrize("query", ["", "   ", "a", "Ł", "+", "%%"])
def test_queries_without_a_searchable_word_give_no_terms(query):
    assert parse_query(query) == []


def test_words_are_capped():
    assert len(parse_query(" ".join(f"word{n}" for n in range(MAX_WORDS + 5)))) == MAX_WORDS


@pytest.mark.parametrize(
    "text", ["Zażółć gęślą jaźń", "Ærøskøbing Straße", "北京 ﬁ Ｆｕｌｌ", "e\u0301", "plain ascii", ""]
)
def test_unaccent_gives_what_unidecode_gives_character_by_character(text):
    from unidecode import unidecode

    from crm.text import unaccent

    assert unaccent(text) == unaccent(text) == unidecode(text).lower()  # the second call from the cache
