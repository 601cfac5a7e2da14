"""Builds the customer search index from the PrestaShop mirror.

Rows are upserted and stale rows deleted batch by batch, each batch in its own
transaction, so whoever searches during a rebuild always sees a full index.
Rows whose content did not change are not rewritten: a full rebuild of an
up-to-date index only reads.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q

from customers.bulk import upsert_rows
from customers.models import Address, Customer
from search.models import CustomerIndexEntry
from search.normalize import digits, phone_forms, tax_id_forms, unique, words

BATCH_SIZE = 2000
# Imports can land out of date_upd order: look back this far before the
# newest change already indexed.
INCREMENTAL_OVERLAP = timedelta(hours=1)

CUSTOMER_WORD_FIELDS = ("firstname", "lastname", "email", "company")
CUSTOMER_FIELDS = ("id_customer", *CUSTOMER_WORD_FIELDS, "date_upd")
ADDRESS_WORD_FIELDS = ("company", "firstname", "lastname", "address1", "address2", "postcode", "city")
ADDRESS_FIELDS = ("customer_id", *ADDRESS_WORD_FIELDS, "phone", "phone_mobile", "vat_number", "dni", "date_upd")
ENTRY_FIELDS = ("firstname", "lastname", "email", "phone", "text", "source_updated_at")

Progress = Callable[[int, int | None], None]


@dataclass
class ReindexStats:
    customers: int = 0
    written: int = 0
    removed: int = 0

    @property
    def changed(self) -> int:
        return self.written + self.removed

    def add(self, other: "ReindexStats") -> None:
        self.customers += other.customers
        self.written += other.written
        self.removed += other.removed


def reindex_customers(customer_ids: Iterable[int], progress: Progress | None = None) -> int:
    """Refresh the index rows of these customers, dropping those gone or deleted.

    Returns the number of index rows written or removed.
    """
    return _reindex_ids(sorted(set(customer_ids)), progress).changed


def reindex_imported(sender, customer_ids: set[int], **kwargs) -> int:
    """Receiver of customers.signals.customers_changed: the import's changes are searchable at once."""
    return reindex_customers(customer_ids)


def reindex_changed(since: datetime, progress: Progress | None = None) -> ReindexStats:
    """Customers or addresses changed since `since`, and customers that vanished."""
    stats = _reindex_ids(changed_customer_ids(since), progress)
    stats.removed += remove_vanished()
    return stats


def reindex_full(progress: Progress | None = None, batch_size: int = BATCH_SIZE) -> ReindexStats:
    total = Customer.objects.count()
    stats = ReindexStats()
    last_id = 0
    for ids in _customer_id_batches(batch_size):
        scope = Q(customer_id__gt=last_id, customer_id__lte=ids[-1])
        stats.add(_rebuild(ids, scope))
        last_id = ids[-1]
        _report(progress, stats.customers, total)
    with transaction.atomic():
        stats.removed += CustomerIndexEntry.objects.filter(customer_id__gt=last_id).delete()[0]
    return stats


def incremental_since() -> datetime | None:
    """Where an incremental run starts; None when nothing is indexed yet."""
    newest = CustomerIndexEntry.objects.aggregate(newest=Max("source_updated_at"))["newest"]
    return newest - INCREMENTAL_OVERLAP if newest else None


def changed_customer_ids(since: datetime) -> list[int]:
    customer_ids = Customer.objects.filter(date_upd__gte=since).values_list("id_customer", flat=True)
    address_owner_ids = Address.objects.filter(date_upd__gte=since, customer_id__gt=0).values_list(
        "customer_id", flat=True
    )
    return sorted(set(customer_ids) | set(address_owner_ids))


def remove_vanished() -> int:
    """Drop rows of customers hard-deleted or soft-deleted in the mirror."""
    alive = Customer.objects.filter(id_customer=OuterRef("customer_id"), deleted=False)
    with transaction.atomic():
        return CustomerIndexEntry.objects.filter(~Exists(alive)).delete()[0]


def build_entries(customer_ids: list[int]) -> list[CustomerIndexEntry]:
    """Entries of these customers (ids sorted, as every caller has them)."""
    customers = Customer.objects.filter(_among("id_customer", customer_ids), deleted=False).order_by("id_customer")
    customers = customers.values(*CUSTOMER_FIELDS)
    addresses = defaultdict(list)
    # Deleted addresses too: PrestaShop "edits" an address by deleting it and
    # adding a new one, and an old phone still identifies the customer. Current
    # and newest first, so the phone shown comes from the address in use.
    rows = Address.objects.filter(_among("customer_id", customer_ids)).order_by("deleted", "-date_upd", "-id_address")
    for address in rows.values(*ADDRESS_FIELDS):
        addresses[address["customer_id"]].append(address)
    return [build_entry(customer, addresses[customer["id_customer"]]) for customer in customers]


def build_entry(customer: dict, addresses: list[dict]) -> CustomerIndexEntry:
    return CustomerIndexEntry(
        customer_id=customer["id_customer"],
        firstname=customer["firstname"],
        lastname=customer["lastname"],
        email=customer["email"],
        phone=next((a[key] for a in addresses for key in ("phone_mobile", "phone") if a[key].strip()), ""),
        text=" ".join(search_terms(customer, addresses)),
        source_updated_at=max([customer["date_upd"], *(address["date_upd"] for address in addresses)]),
    )


def search_terms(customer: dict, addresses: list[dict]) -> list[str]:
    texts = [customer[field] for field in CUSTOMER_WORD_FIELDS]
    numbers = []
    for address in addresses:
        texts += [address[field] for field in ADDRESS_WORD_FIELDS]
        numbers.append(digits(address["postcode"]))  # "00-950" is also typed "00950"
        numbers += phone_forms(address["phone"]) + phone_forms(address["phone_mobile"])
        numbers += tax_id_forms(address["vat_number"]) + tax_id_forms(address["dni"])
    # One fold for all the text: Unidecode costs per call, and a million customers add up.
    return unique(words(" ".join(texts)) + [number for number in numbers if number])


def _reindex_ids(customer_ids: list[int], progress: Progress | None) -> ReindexStats:
    stats = ReindexStats()
    for start in range(0, len(customer_ids), BATCH_SIZE):
        ids = customer_ids[start : start + BATCH_SIZE]
        stats.add(_rebuild(ids, _among("customer_id", ids)))
        _report(progress, stats.customers, len(customer_ids))
    return stats


def _rebuild(customer_ids: list[int], scope: Q) -> ReindexStats:
    """Upsert the rows of these customers; delete rows in `scope` not rebuilt."""
    entries = build_entries(customer_ids)
    with transaction.atomic():
        stored = _stored(scope)
        changed, new = _changed_entries(entries, stored)
        _insert_new([_row(entry) for entry in new])
        upsert_rows(CustomerIndexEntry, [_row(entry) for entry in changed])
        stale = sorted(stored.keys() - {entry.customer_id for entry in entries})
        removed = CustomerIndexEntry.objects.filter(customer_id__in=stale).delete()[0] if stale else 0
    return ReindexStats(customers=len(customer_ids), written=len(changed) + len(new), removed=removed)


def _among(name: str, ids: list[int]) -> Q:
    """`name` is one of these sorted ids: a range when they are consecutive (a first import's
    customers), which spares the database and psycopg a statement with thousands of parameters."""
    if ids and ids[-1] - ids[0] == len(ids) - 1:
        return Q(**{f"{name}__gte": ids[0], f"{name}__lte": ids[-1]})
    return Q(**{f"{name}__in": ids})


def _stored(scope: Q) -> dict[int, tuple]:
    """The stored content of the index rows in `scope`, by customer id."""
    rows = CustomerIndexEntry.objects.filter(scope).values_list("customer_id", *ENTRY_FIELDS)
    return {row[0]: row[1:] for row in rows}


def _insert_new(rows: list[dict]) -> None:
    try:
        with transaction.atomic():
            upsert_rows(CustomerIndexEntry, rows, new=True)
    except IntegrityError:  # the scheduled reindex stored some of them meanwhile
        upsert_rows(CustomerIndexEntry, rows)


def _changed_entries(entries: list[CustomerIndexEntry], stored: dict[int, tuple]) -> tuple[list, list]:
    """(entries that differ from their stored row, entries that have none)."""
    changed, new = [], []
    for entry in entries:
        content = stored.get(entry.customer_id)
        if content is None:
            new.append(entry)
        elif content != _content(entry):
            changed.append(entry)
    return changed, new


def _row(entry: CustomerIndexEntry) -> dict:
    return {"customer_id": entry.customer_id} | {field: getattr(entry, field) for field in ENTRY_FIELDS}


def _content(entry: CustomerIndexEntry) -> tuple:
    return tuple(getattr(entry, field) for field in ENTRY_FIELDS)


def _customer_id_batches(batch_size: int):
    last_id = 0
    while True:
        ids = list(
            Customer.objects.filter(id_customer__gt=last_id)
            .order_by("id_customer")
            .values_list("id_customer", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        last_id = ids[-1]


def _report(progress: Progress | None, done: int, total: int | None) -> None:
    if progress:
        progress(done, total)
