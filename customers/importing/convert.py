"""Source rows (typed MySQL values or Webservice strings) to mirror values.

Pure functions, no database access. A value that has to be repaired is kept
in its repaired form and reported through a `Problem` line.
"""

import datetime
import decimal
import operator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models

ZERO_DATE_PREFIX = "0000-00-00"
ZERO_DATE_BYTES = ZERO_DATE_PREFIX.encode()
EPOCH = datetime.datetime(1970, 1, 1)


@dataclass
class Problem:
    column: str
    message: str


class Repaired(Exception):
    def __init__(self, message: str, value):
        super().__init__(message)
        self.value = value


BROKEN_UTF8 = "broken UTF-8, imported with replacement characters"


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _is_zero_date(value) -> bool:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return not value or (isinstance(value, str) and value.startswith(ZERO_DATE_PREFIX))


def text_converter(field):
    limit = field.max_length

    def convert(value):
        if value is None:
            return ""
        text = _text(value)
        problem = BROKEN_UTF8 if "\ufffd" in text else None
        if "\x00" in text:  # MySQL stores NUL characters, PostgreSQL refuses them
            text = text.replace("\x00", "")
            problem = problem or "NUL characters removed"
        if limit and len(text) > limit:
            text = text[:limit]
            problem = problem or f"longer than {limit} characters, cut"
        if problem:
            raise Repaired(problem, text)
        return text

    return convert


def number_converter(field, parse):
    fallback = None if field.null else parse(0)
    typed = type(parse(0))

    def convert(value):
        if type(value) is typed:  # already typed by the MySQL driver
            return value
        if value is None or value == "" or value == b"":
            return fallback
        try:
            return parse(value.decode("ascii") if isinstance(value, bytes) else value)
        except (ValueError, TypeError, ArithmeticError, UnicodeDecodeError):
            raise Repaired(f"not a number ({_text(value)[:20]!r}), stored as {fallback}", fallback) from None

    return convert


def _boolean(value) -> bool:
    return bool(int(value))


def _decimal(value) -> decimal.Decimal:
    return decimal.Decimal(str(value))


def decimal_converter(field):
    checked = number_converter(field, _decimal)

    def convert(value):
        # The common value first: the text of a MySQL DECIMAL (mysqlclient hands it over undecoded).
        if type(value) is bytes and value:
            try:
                return decimal.Decimal(value.decode())
            except (ArithmeticError, ValueError):  # not a number: reported as below
                pass
        return checked(value)

    return convert


def datetime_converter(zone: ZoneInfo):
    from_text = datetime.datetime.fromisoformat

    def convert(value):
        # The common value first: MySQL's text of a real date, decoded and parsed once.
        if type(value) is bytes and value and not value.startswith(ZERO_DATE_BYTES):
            try:
                return from_text(value.decode()).replace(tzinfo=zone)
            except ValueError:  # UnicodeDecodeError too: reported as below
                pass
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=zone)
        if value is None or _is_zero_date(value):
            return None
        text = _text(value)
        try:
            return datetime.datetime.fromisoformat(text).replace(tzinfo=zone)
        except ValueError:
            raise Repaired(f"not a date ({text[:30]!r}), stored as empty", None) from None

    return convert


def date_converter(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None or _is_zero_date(value):
        return None
    text = _text(value)
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise Repaired(f"not a date ({text[:30]!r}), stored as empty", None) from None


def converter_for(field, zone: ZoneInfo):
    if isinstance(field, models.DateTimeField):
        return datetime_converter(zone)
    if isinstance(field, models.DateField):
        return date_converter
    if isinstance(field, models.BooleanField):
        return number_converter(field, _boolean)
    if isinstance(field, models.DecimalField):
        return decimal_converter(field)
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return number_converter(field, int)
    return text_converter(field)


class RowConverter:
    """Turns a row keyed by PrestaShop column names into mirror values keyed by attname."""

    def __init__(self, spec, zone: ZoneInfo):
        self.zone = zone
        self.fields = [(f.column, f.attname, converter_for(f, zone), f) for f in spec.fields]
        self.required_dates = [f.attname for f in spec.fields if isinstance(f, models.DateTimeField) and not f.null]
        columns = [f.column for f in spec.fields]
        self._source_values = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
        self._attnames = [f.attname for f in spec.fields]
        self._converters = [convert for _column, _attname, convert, _field in self.fields]

    def __call__(self, row: dict) -> tuple[dict, list[Problem]]:
        # The common row: every column there, nothing to repair. The loop over the values runs in C
        # (itemgetter, map, zip): a Python loop cost more per value than most conversions.
        try:
            values = dict(
                zip(self._attnames, map(operator.call, self._converters, self._source_values(row)), strict=True)
            )
        except (KeyError, Repaired):
            return self._careful(row)
        problems = []
        self._fill_required_dates(values, problems)
        return values, problems

    def _careful(self, row: dict) -> tuple[dict, list[Problem]]:
        values, problems = {}, []
        for column, attname, convert, field in self.fields:
            if column not in row:
                values[attname] = field.get_default()
                continue
            try:
                values[attname] = convert(row[column])
            except Repaired as repaired:
                values[attname] = repaired.value
                problems.append(Problem(column, str(repaired)))
        self._fill_required_dates(values, problems)
        return values, problems

    def _fill_required_dates(self, values: dict, problems: list[Problem]) -> None:
        for attname in self.required_dates:
            if values[attname] is not None:
                continue
            known = [values[name] for name in self.required_dates if values[name] is not None]
            values[attname] = known[0] if known else EPOCH.replace(tzinfo=self.zone)
            problems.append(Problem(attname, f"zero or empty date, stored as {values[attname]:%Y-%m-%d %H:%M:%S}"))


def shop_naive(moment: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    """An aware datetime as PrestaShop writes it: naive, in the shop's time zone."""
    return moment.astimezone(zone).replace(tzinfo=None)
