"""Customer search over the index: the query is normalised like the index.

Every query word must occur in a customer's text (words are ANDed); a word
that looks like a phone or a tax id may also occur as digits only. Each word
is a LIKE '%word%' on the indexed text, which PostgreSQL answers from the
trigram index.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.utils.translation import gettext as _

from customers.models import Address, Customer
from search.highlight import Field, marked, match_spans
from search.models import CustomerIndexEntry
from search.normalize import digits, fold, query_number_forms, unique, words

MAX_RESULTS = 20
MAX_QUERY_CHARS = 100
MAX_WORDS = 6
DISPLAY_FIELDS = ("customer_id", "firstname", "lastname", "email", "phone", "text")
ELSEWHERE_SHOWN = 2
MIN_WORD_CHARS = 2
TRIGRAM = 3
# A phone or NIP typed with spaces ("+48 600 100 200", "PL 123 456 32 18")
# is one number: join its digits before splitting the query into words.
SPACED_NUMBER = re.compile(r"(?<![\w@.])(?:[a-z]{2}[\s-]*)?\+?\(?\d[\d\s\-./()]*\d")
SPACED_NUMBER_DIGITS = range(9, 14)

Term = tuple[str, ...]


@dataclass
class SearchHit:
    """A result as one line: its shown fields with the matched text marked, then the values outside them
    (a company, an address, a tax id) that hold the rest of the query, marked the same way."""

    customer: CustomerIndexEntry
    fields: list[Field]
    elsewhere: list[Field]
    unseen: list[Term]  # the query words none of `fields` holds: what `elsewhere` shows

    @property
    def shown(self) -> list[Field]:
        return self.fields + self.elsewhere

    @property
    def matched_in(self) -> str:
        return ", ".join(unique([shown.label for shown in self.shown if shown.matched]))


@dataclass
class SearchOutcome:
    query: str
    customers: list[CustomerIndexEntry] = field(default_factory=list)
    more: bool = False
    hint: str = ""
    terms: list[Term] = field(default_factory=list)

    @cached_property
    def hits(self) -> list[SearchHit]:
        hits = [search_hit(customer, self.terms) for customer in self.customers]
        wanting = {hit.customer.customer_id: hit for hit in hits if hit.elsewhere}
        if wanting:
            for customer_id, values in other_values(list(wanting)).items():
                hit = wanting[customer_id]
                hit.elsewhere = elsewhere_fields(values, hit.unseen) or hit.elsewhere
        return hits


def search_customers(raw_query: str) -> SearchOutcome:
    query = (raw_query or "").strip()[:MAX_QUERY_CHARS]
    terms = parse_query(query)
    if not terms:
        return SearchOutcome(query=query, hint=_("Type at least two letters or digits to search customers."))
    found = list(CustomerIndexEntry.objects.filter(matching(terms)).only(*DISPLAY_FIELDS)[: MAX_RESULTS + 1])
    customers = _one_per_email(found[:MAX_RESULTS])
    return SearchOutcome(query=query, customers=customers, more=len(found) > MAX_RESULTS, terms=terms)


def search_hit(customer: CustomerIndexEntry, terms: list[Term]) -> SearchHit:
    """Which shown field each query word matched. A word matching none of them is first shown as the
    index word it matched (folded, as the index keeps it); `SearchOutcome.hits` then puts the shop's own
    value in its place (see elsewhere_fields)."""
    forms = [form for term in terms for form in term]
    shown = [
        (_("first and last name"), f"{customer.firstname} {customer.lastname}".strip()),
        (_("e-mail"), customer.email),
    ]
    if customer.phone:
        shown.append((_("phone"), customer.phone))
    fields = [Field(label, marked(value, forms)) for label, value in shown]
    unseen = [term for term in terms if not any(match_spans(value, list(term)) for _label, value in shown)]
    words = [word for word in customer.text.split() if any(form in word for term in unseen for form in term)]
    label = _("address, company or tax ID")
    elsewhere = [Field(label, [(word, True)]) for word in unique(words)[:ELSEWHERE_SHOWN]]
    return SearchHit(customer, fields, elsewhere, unseen)


def other_values(customer_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The customers' indexed values beyond those a result shows, as (label, value) in the shop's own
    spelling: company, addresses (current and newest first), names on addresses, phones, tax ids."""
    values: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for customer_id, company in Customer.objects.filter(id_customer__in=customer_ids).values_list(
        "id_customer", "company"
    ):
        values[customer_id].append((_("company"), company))
    addresses = Address.objects.filter(customer_id__in=customer_ids).order_by("deleted", "-date_upd", "-id_address")
    for address in addresses.values():
        place = " ".join(part for part in (address["postcode"], address["city"]) if part)
        street = ", ".join(part for part in (address["address1"], address["address2"], place) if part)
        name = f"{address['firstname']} {address['lastname']}".strip()
        values[address["customer_id"]] += [
            (_("company"), address["company"]),
            (_("address"), street),
            (_("name on an address"), name),
            (_("phone"), address["phone"]),
            (_("phone"), address["phone_mobile"]),
            (_("tax ID"), address["vat_number"]),
            (_("tax ID"), address["dni"]),
        ]
    return values


def elsewhere_fields(values: list[tuple[str, str]], unseen: list[Term]) -> list[Field]:
    """The first values holding any of the query words the shown fields did not, with those words marked."""
    forms = [form for term in unseen for form in term]
    found, seen = [], set()
    for label, value in values:
        if value and value not in seen and match_spans(value, forms):
            seen.add(value)
            found.append(Field(label, marked(value, forms)))
    return found[:ELSEWHERE_SHOWN]


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
