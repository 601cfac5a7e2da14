"""What is imported, in which order, and how each source names it.

Kinds of tables:
- REFERENCE: small lookup tables, read whole on every run;
- DATED: have `date_upd`, read from the last mark on incremental runs;
- ORDER_CHILD: rows of an order without a `date_upd` of their own, read for
  the orders changed since their own mark (and for recent orders).
"""

from dataclasses import dataclass, field
from enum import Enum

from customers import models


class Kind(Enum):
    REFERENCE = "reference"
    DATED = "dated"
    ORDER_CHILD = "order_child"


@dataclass(frozen=True)
class LangOf:
    """A `*_lang` table that the Webservice folds into its parent resource as multi-language fields."""

    resource: str
    parent_column: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    name: str  # PrestaShop's table name without the prefix
    model: type
    kind: Kind
    resource: str = ""  # Webservice resource; empty for a LangOf table
    lang_of: LangOf | None = None
    skip_when_zero: str = ""  # attname: rows where it is 0 are not mirrored
    fields: list = field(init=False, compare=False)
    key_columns: tuple[str, ...] = field(init=False, compare=False)

    def __post_init__(self):
        concrete = [f for f in self.model._meta.concrete_fields if f.column]
        pk = self.model._meta.pk
        keys = [f.column for f in getattr(pk, "fields", [pk])]
        object.__setattr__(self, "fields", concrete)
        object.__setattr__(self, "key_columns", tuple(keys))

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]

    @property
    def key_attnames(self) -> tuple[str, ...]:
        by_column = {f.column: f.attname for f in self.fields}
        return tuple(by_column[column] for column in self.key_columns)


TABLES = [
    TableSpec("lang", models.Lang, Kind.REFERENCE, "languages"),
    TableSpec("currency", models.Currency, Kind.REFERENCE, "currencies"),
    TableSpec("country", models.Country, Kind.REFERENCE, "countries"),
    TableSpec("country_lang", models.CountryLang, Kind.REFERENCE, lang_of=LangOf("countries", "id_country", ("name",))),
    TableSpec("state", models.State, Kind.REFERENCE, "states"),
    TableSpec("order_state", models.OrderState, Kind.REFERENCE, "order_states"),
    TableSpec(
        "order_state_lang",
        models.OrderStateLang,
        Kind.REFERENCE,
        lang_of=LangOf("order_states", "id_order_state", ("name", "template")),
    ),
    TableSpec("carrier", models.Carrier, Kind.REFERENCE, "carriers"),
    # Staff candidates for the CRM (customers.admin): e-mail, name, active; never the password.
    TableSpec("employee", models.Employee, Kind.REFERENCE, "employees"),
    TableSpec("customer", models.Customer, Kind.DATED, "customers"),
    # id_customer 0: manufacturer, supplier and warehouse addresses.
    TableSpec("address", models.Address, Kind.DATED, "addresses", skip_when_zero="customer_id"),
    TableSpec("orders", models.Order, Kind.DATED, "orders"),
    TableSpec("order_detail", models.OrderDetail, Kind.ORDER_CHILD, "order_details"),
    TableSpec("order_history", models.OrderHistory, Kind.ORDER_CHILD, "order_histories"),
    TableSpec("order_carrier", models.OrderCarrier, Kind.ORDER_CHILD, "order_carriers"),
]
