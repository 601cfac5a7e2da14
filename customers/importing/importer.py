"""Runs one import: source rows -> upserts into the mirror, marks, deletions.

A source is any object with (see `mysql_source` and `webservice_source`):
- `where(spec) -> str`: how messages name the table ("ps_customer", "resource customers");
- `read(spec, since) -> iterator of row batches`, ordered by `date_upd` then id for
  DATED tables (only rows with `date_upd >= since` when since is given);
- `changed_orders(since, recent_since) -> [(id_order, date_upd), ...]` ordered by
  date_upd then id: orders changed since `since` or added since `recent_since`
  (all orders when both are None);
- `children(spec, order_ids) -> rows` of an ORDER_CHILD table for these orders;
- `unexposed_columns(spec) -> set` of columns the source never has (not reported as missing).
Rows are dicts keyed by PrestaShop column names; since/recent_since are naive
datetimes in the shop's time zone, as PrestaShop stores them.

Each batch and the table's new mark are committed together, so an
interrupted run leaves whole batches and the next run resumes from the mark.
"""

import datetime
import operator
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import DatabaseError, transaction

from crm.errors import first_line
from customers.bulk import upsert_rows
from customers.importing.convert import Repaired, RowConverter, datetime_converter, shop_naive
from customers.importing.errors import TableUnavailable
from customers.importing.prefetch import prefetched
from customers.importing.report import Report
from customers.importing.tables import TABLES, Kind, TableSpec
from customers.models import ImportState

DELETE_CHUNK = 1000
# Source batches are written together up to this many rows: each write costs a handful of round
# trips (lock check, transaction, savepoint, COPY, mark) whatever its size.
WRITE_ROWS = 20_000


@dataclass
class Options:
    zone: ZoneInfo
    now: datetime.datetime
    full: bool = False
    batch_size: int = 1000
    overlap: datetime.timedelta = datetime.timedelta(minutes=10)
    recent_orders: datetime.timedelta = datetime.timedelta(days=14)


@dataclass
class Importer:
    source: object
    options: Options
    report: Report
    changed_customers: set = field(default_factory=set)
    # Run before each batch and before a failed batch is retried row by row; raises to stop the
    # run (the job's lock check: a lost database session would otherwise fail every row quietly).
    before_each_batch: Callable[[], None] = lambda: None
    # A first or full run's mark for the order child tables, found when the first of them began
    # (one read of every order's date_upd, not one per table): for the tables after it that mark is
    # a little early at most, and an early mark only makes the next run re-read a few more orders.
    _whole_tables_mark: object = field(default=None, init=False)
    _whole_tables_marked: bool = field(default=False, init=False)

    def run(self, tables: list[TableSpec] = TABLES) -> set:
        """Import every table; returns the ids of customers whose data changed."""
        for spec in tables:
            self._table(spec)
        return self.changed_customers

    def _table(self, spec: TableSpec) -> None:
        label = self.source.where(spec)
        started = time.monotonic()
        writer = _TableWriter(spec, label, self.options.zone, self.report, self.source.unexposed_columns(spec))
        writer.new = not spec.model.objects.exists()
        # A table empty as the run began holds only rows of this run (the job's lock keeps other
        # runs out): nothing in it can be gone from the shop.
        seen = set() if self.options.full and not writer.new else None
        try:
            for batch in self._batches(spec, writer):
                self.before_each_batch()
                self._write(writer, batch, seen)
                self.report.progress(label, started)
        except TableUnavailable as error:
            self.report.error(label, str(error))
        else:
            if seen is not None:
                self._delete_missing(spec, label, seen)
        self.report.table_done(label, started)

    def _since(self, spec: TableSpec) -> datetime.datetime | None:
        if self.options.full or spec.kind is Kind.REFERENCE:
            return None
        mark = ImportState.objects.filter(table=spec.name).values_list("mark", flat=True).first()
        return shop_naive(mark - self.options.overlap, self.options.zone) if mark else None

    def _batches(self, spec: TableSpec, writer: "_TableWriter"):
        """Converted batches, read and converted in the prefetch thread while the previous one is written."""
        since = self._since(spec)  # here, in the thread that owns Django's connection
        if spec.kind is Kind.ORDER_CHILD:
            batches = self._child_batches(spec, since)
        else:
            batches = ((rows, None) for rows in self.source.read(spec, since))
        return prefetched(_grouped((writer.convert(rows, mark) for rows, mark in batches), WRITE_ROWS))

    def _child_batches(self, spec: TableSpec, since):
        to_datetime = datetime_converter(self.options.zone)
        if since is None:
            # A first or full run reads the whole table in key order (one query, not one per
            # batch of orders); the mark, taken before reading, is committed with the last batch.
            if not self._whole_tables_marked:
                orders = self.source.changed_orders(None, None)
                self._whole_tables_mark = _newest(to_datetime, [date_upd for _, date_upd in orders])
                self._whole_tables_marked = True
            yield from _marked_last(self.source.read(spec, None), self._whole_tables_mark)
            return
        recent = shop_naive(self.options.now - self.options.recent_orders, self.options.zone)
        orders = self.source.changed_orders(since, recent)
        for start in range(0, len(orders), self.options.batch_size):
            chunk = orders[start : start + self.options.batch_size]
            rows = self.source.children(spec, [int(id_order) for id_order, _ in chunk])
            yield rows, _newest(to_datetime, [date_upd for _, date_upd in chunk])

    def _write(self, writer: "_TableWriter", batch: "_Batch", seen: set | None) -> None:
        spec, converted, mark = writer.spec, batch.rows, batch.mark
        stats = self.report.stats[writer.label]
        stats.read += batch.read
        stats.skipped += batch.skipped
        for message in batch.warnings:
            self.report.warning(writer.label, message)
        if spec.kind is Kind.DATED and converted:
            mark = max(values["date_upd"] for values in converted.values())
        with transaction.atomic():
            written, refused = self._upsert(writer, list(converted.values()))
            if mark is not None:
                _advance_mark(spec.name, mark)
        stats.written += written
        stats.unchanged += len(converted) - written - refused
        if seen is not None:
            seen.update(converted)
        self._note_changed_customers(spec, converted.values())

    def _upsert(self, writer: "_TableWriter", rows: list[dict]) -> tuple[int, int]:
        """(rows written, rows refused by the database); the others were stored unchanged."""
        try:
            with transaction.atomic():
                return upsert_rows(writer.spec.model, rows, new=writer.new), 0
        except DatabaseError:  # find the row the database refuses, store the others
            self.before_each_batch()
            writer.new = False  # a key came twice (a source that pages while rows change): merge from now on
            outcomes = [self._upsert_one(writer, values) for values in rows]
            return sum(filter(None, outcomes)), outcomes.count(None)

    def _upsert_one(self, writer: "_TableWriter", values: dict) -> int | None:
        try:
            with transaction.atomic():
                return upsert_rows(writer.spec.model, [values])
        except DatabaseError as error:
            self.report.stats[writer.label].skipped += 1
            self.report.warning(writer.label, f"{writer.describe(values)}: not stored, {first_line(error)}")
            return None

    def _note_changed_customers(self, spec: TableSpec, rows) -> None:
        if spec.name == "customer":
            self.changed_customers.update(values["id_customer"] for values in rows)
        elif spec.name == "address":
            self.changed_customers.update(filter(None, (values["customer_id"] for values in rows)))

    def _delete_missing(self, spec: TableSpec, label: str, seen: set) -> None:
        manager = spec.model.objects
        missing = sorted(set(manager.values_list(*spec.key_attnames)) - seen)
        for start in range(0, len(missing), DELETE_CHUNK):
            keys = [key[0] if len(key) == 1 else key for key in missing[start : start + DELETE_CHUNK]]
            with transaction.atomic():
                doomed = manager.filter(pk__in=keys)
                if spec.name == "customer":
                    self.changed_customers.update(keys)
                elif spec.name == "address":
                    self.changed_customers.update(filter(None, doomed.values_list("customer_id", flat=True)))
                doomed.delete()
        self.report.stats[label].deleted += len(missing)


@dataclass
class _Batch:
    rows: dict  # mirror values by key
    mark: datetime.datetime | None  # an ORDER_CHILD table's new mark, committed with this batch
    read: int
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def can_take(self, other: "_Batch") -> bool:
        """Not when a key comes again: each is written as if alone (a repeated key into an empty table
        makes the later write fail and be merged row by row, as separate batches were)."""
        return self.rows.keys().isdisjoint(other.rows)

    def take(self, other: "_Batch") -> None:
        self.rows.update(other.rows)
        self.mark = other.mark if other.mark is not None else self.mark
        self.read += other.read
        self.skipped += other.skipped
        self.warnings += other.warnings


def _grouped(batches, rows: int):
    """Consecutive batches joined up to `rows` rows; when reading fails, what was read before is
    yielded first (whole batches), then the failure raised."""
    group = None
    try:
        for batch in batches:
            if group is not None and not group.can_take(batch):
                yield group
                group = None
            if group is None:
                group = batch
            else:
                group.take(batch)
            if len(group.rows) >= rows:
                yield group
                group = None
    except Exception:
        if group is not None:
            yield group
        raise
    if group is not None:
        yield group


class _TableWriter:
    """One table's conversion (with the one-time missing-column check) and upsert."""

    def __init__(self, spec: TableSpec, label: str, zone: ZoneInfo, report: Report, unexposed: set):
        self.spec, self.label, self.report = spec, label, report
        self.converter = RowConverter(spec, zone)
        self.expected = set(spec.columns) - unexposed
        self.checked_columns = False
        # Known when the table was empty as the run began: its rows are COPYed in without a merge.
        self.new = False
        self.key_attnames = spec.key_attnames
        self._key = operator.itemgetter(*self.key_attnames) if len(self.key_attnames) > 1 else None

    def convert(self, rows: list[dict], mark) -> "_Batch":
        """Mirror values by key (a later duplicate replaces an earlier one).

        Runs in the prefetch thread: what it has to say goes into the batch, for the writing thread to report.
        """
        batch = _Batch(rows={}, mark=mark, read=len(rows))
        for row in rows:
            self._check_columns(row, batch.warnings)
            values, problems = self.converter(row)
            if self.spec.skip_when_zero and not values[self.spec.skip_when_zero]:
                batch.skipped += 1
                continue
            for problem in problems:
                batch.warnings.append(f"{self.describe(values)}, column {problem.column}: {problem.message}")
            batch.rows[self.key(values)] = values
        return batch

    def _check_columns(self, row: dict, warnings: list[str]) -> None:
        if self.checked_columns:
            return
        self.checked_columns = True
        missing = sorted(self.expected - row.keys())
        if missing:
            names = ", ".join(missing)
            warnings.append(f"column(s) {names} missing in the shop (other PrestaShop version?): imported as empty")

    def key(self, values: dict) -> tuple:
        return self._key(values) if self._key else (values[self.key_attnames[0]],)

    def describe(self, values: dict) -> str:
        key = self.key(values)
        if len(key) == 1:
            return f"id {key[0]}"
        return ", ".join(f"{column}={value}" for column, value in zip(self.spec.key_columns, key, strict=True))


def _advance_mark(table: str, mark: datetime.datetime) -> None:
    state, created = ImportState.objects.select_for_update().get_or_create(table=table, defaults={"mark": mark})
    if not created and (state.mark is None or mark > state.mark):
        state.mark = mark
        state.save(update_fields=["mark", "updated_at"])


def _marked_last(batches, mark):
    """(batch, None) for every batch but the last, (last batch, mark) for it."""
    previous = None
    for batch in batches:
        if previous is not None:
            yield previous, None
        previous = batch
    if previous is not None:
        yield previous, mark


def _newest(to_datetime, dates: list):
    """The newest of these date_upd in the order `changed_orders` gives them (by date_upd): the last
    that is a date (zero and broken dates come first), so a first run does not convert every order's."""
    for date_upd in reversed(dates):
        moment = _quiet(to_datetime, date_upd)
        if moment is not None:
            return moment
    return None


def _quiet(convert, value):
    try:
        return convert(value)
    except Repaired as repaired:
        return repaired.value
