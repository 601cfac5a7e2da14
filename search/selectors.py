"""Customer search over the index: the query is normalised like the index.

Every query word must occur in a customer's text (words are ANDed); a word
that looks like a phone or a tax id may also occur as digits only. Each word
is a LIKE '%word%' on the indexed text, which PostgreSQL answers from the
trigram index.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from search.highlight import Field, marked, match_spans
from search.models import CustomerIndexEntry
from search.normalize import digits, fold, query_number_forms, unique, words

MAX_RESULTS = 20
MAX_QUERY_CHARS = 100
MAX_WORDS = 6
DISPLAY_FIELDS = ("customer_id", "firstname", "lastname", "email", "phone", "text")
ELSEWHERE_WORDS_SHOWN = 3
MIN_WORD_CHARS = 2
TRIGRAM = 3
# A phone or NIP typed with spaces ("+48 600 100 200", "PL 123 456 32 18")
# is one number: join its digits before splitting the query into words.
SPACED_NUMBER = re.compile(r"(?<![\w@.])(?:[a-z]{2}[\s-]*)?\+?\(?\d[\d\s\-./()]*\d")
SPACED_NUMBER_DIGITS = range(9, 14)

Term = tuple[str, ...]


@dataclass
class SearchHit:
    """A result as one line: its shown fields with the matched text marked, and the index words matched
    outside them (an address, a company, a tax id)."""

    customer: CustomerIndexEntry
    fields: list[Field]
    elsewhere: list[str]

    @property
    def matched_in(self) -> str:
        labels = [shown.label for shown in self.fields if shown.matched]
        if self.elsewhere:
            labels.append(_("address, company or tax ID"))
        return ", ".join(labels)


@dataclass
class SearchOutcome:
    query: str
    customers: list[CustomerIndexEntry] = field(default_factory=list)
    more: bool = False
    hint: str = ""
    terms: list[Term] = field(default_factory=list)

    @property
    def hits(self) -> list[SearchHit]:
        return [search_hit(customer, self.terms) for customer in self.customers]


def search_customers(raw_query: str) -> SearchOutcome:
    query = (raw_query or "").strip()[:MAX_QUERY_CHARS]
    terms = parse_query(query)
    if not terms:
        return SearchOutcome(query=query, hint=_("Type at least two letters or digits to search customers."))
    found = list(CustomerIndexEntry.objects.filter(matching(terms)).only(*DISPLAY_FIELDS)[: MAX_RESULTS + 1])
    customers = _one_per_email(found[:MAX_RESULTS])
    return SearchOutcome(query=query, customers=customers, more=len(found) > MAX_RESULTS, terms=terms)


def search_hit(customer: CustomerIndexEntry, terms: list[Term]) -> SearchHit:
    """Which shown field each query word matched; a word matching none of them is shown as the index
    word it matched (folded, as the index keeps it)."""
    forms = [form for term in terms for form in term]
    shown = [
        (_("first and last name"), f"{customer.firstname} {customer.lastname}".strip()),
        (_("e-mail"), customer.email),
    ]
    if customer.phone:
        shown.append((_("phone"), customer.phone))
    fields = [Field(label, marked(value, forms)) for label, value in shown]
    unseen = [term for term in terms if not any(match_spans(value, list(term)) for _label, value in shown)]
    elsewhere = [word for word in customer.text.split() if any(form in word for term in unseen for form in term)]
    return SearchHit(customer, fields, unique(elsewhere)[:ELSEWHERE_WORDS_SHOWN])


def parse_query(query: str) -> list[Term]:
    """Query words, each as its alternatives: "PL 123-456-32-18 łódź" -> [("1234563218",), ("lodz",)]."""
    joined = SPACED_NUMBER.sub(_join_spaced_number, fold(query))
    terms = [tuple(unique([word, *query_number_forms(word)])) for word in words(joined)]
    return [term for term in terms if len(term[0]) >= MIN_WORD_CHARS][:MAX_WORDS]


def matching(terms: list[Term]) -> Q:
    condition = Q()
    for alternatives in terms:
        any_form = Q()
        for form in alternatives:
            any_form |= _occurs(form)
        condition &= any_form
    return condition


def _occurs(form: str) -> Q:
    if len(form) >= TRIGRAM:
        return Q(text__contains=form)
    # Too short for a trigram anywhere, but the start of a word ("ko" in
    # "jan kowalski") gives trigrams "  k", " ko", so the index still serves it.
    return Q(text__startswith=form) | Q(text__contains=f" {form}")


def _one_per_email(customers: list[CustomerIndexEntry]) -> list[CustomerIndexEntry]:
    """Guest checkouts repeat an e-mail; the customer card is one per e-mail."""
    first_by_email: dict[str, CustomerIndexEntry] = {}
    for customer in customers:
        first_by_email.setdefault(customer.email.lower(), customer)
    return list(first_by_email.values())


def _join_spaced_number(match: re.Match) -> str:
    number = match.group(0)
    if not re.search(r"\s", number) or len(digits(number)) not in SPACED_NUMBER_DIGITS:
        return number
    return digits(number)
