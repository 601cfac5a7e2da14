"""Pure text normalisation shared by the index builder and the query parser.

Everything is folded to lower-case ASCII (crm.text.fold), so "Łódź", "LODZ" and
"lodz" are the same word. Phones and tax ids are reduced to digits so that any
writing ("+48 600-100-200", "PL 123-456-32-18") meets any other.
"""

import re
import string

from crm.text import fold

POLISH_PREFIX = "48"
NATIONAL_PHONE_DIGITS = 9
INTERNATIONAL_ACCESS = "00"
# A query word with at least this many digits (phone, tax id, postcode) is
# also matched as digits only; shorter numbers (house numbers) only as typed.
MIN_IDENTIFIER_DIGITS = 5
TAX_ID_COUNTRY_PREFIX = re.compile(r"^[a-z]{2}(?=\d)")
# Compiled once: indexing calls these a few times per address, a million customers over.
NON_DIGITS = re.compile(r"\D")
NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")


def digits(value: str) -> str:
    return NON_DIGITS.sub("", value or "")


def phone_forms(value: str) -> list[str]:
    """Digit forms of a phone: Polish numbers with and without the 48 prefix."""
    number = without_access_code(digits(value))
    if len(number) == NATIONAL_PHONE_DIGITS:
        return [number, POLISH_PREFIX + number]
    if len(number) == NATIONAL_PHONE_DIGITS + len(POLISH_PREFIX) and number.startswith(POLISH_PREFIX):
        return [number, number[len(POLISH_PREFIX) :]]
    return [number] if number else []


def tax_id_forms(value: str) -> list[str]:
    """A NIP (or other id) as written without separators, and digits only."""
    compact = NOT_ALPHANUMERIC.sub("", fold(value))
    forms = [compact, digits(compact)]
    return unique(form for form in forms if form)


def query_number_forms(token: str) -> list[str]:
    """Digit-only forms of a query word that looks like a phone or a tax id."""
    compact = TAX_ID_COUNTRY_PREFIX.sub("", token)
    number = digits(compact)
    if len(number) < MIN_IDENTIFIER_DIGITS or re.search(r"[a-z]", compact):
        return []
    return [without_access_code(number)]


def without_access_code(number: str) -> str:
    """Drop the 00 of a dialled phone ("0048600100200"), not of a postcode ("00950")."""
    international = number.startswith(INTERNATIONAL_ACCESS)
    if international and len(number) - len(INTERNATIONAL_ACCESS) >= NATIONAL_PHONE_DIGITS:
        return number[len(INTERNATIONAL_ACCESS) :]
    return number


def words(value: str) -> list[str]:
    """Folded words with surrounding punctuation removed ("(Łódź)," -> "lodz")."""
    stripped = (word.strip(string.punctuation) for word in fold(value).split())
    return [word for word in stripped if word]


def unique(items) -> list:
    return list(dict.fromkeys(items))
