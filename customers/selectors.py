"""The shop side of the customer card and of the thread page (spec 8): the customers panel.

The customers panel runs the same six queries whatever the number of customers, orders and
order lines: each level is fetched for all rows of the level above with an `__in` lookup, and the
newest orders per customer and first products per order are picked by window functions in SQL.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Count, F, Model, QuerySet, Window
from django.db.models.functions import Lower, RowNumber
from django.utils.translation import gettext as _

from customers.links import customer_admin_url, order_admin_url
from customers.models import (
    Address,
    CountryLang,
    Customer,
    Order,
    OrderCarrier,
    OrderDetail,
    OrderStateLang,
)

ORDERS_SHOWN = 20
PRODUCTS_SHOWN = 3
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
NEUTRAL_BADGE = "#6c757d"


@dataclass
class OrderRow:
    order: Order
    admin_url: str = ""
    status: str = ""
    badge_colour: str = NEUTRAL_BADGE
    text_colour: str = "#ffffff"
    products: list = field(default_factory=list)
    more_products: int = 0
    country: str = ""
    carrier_name: str = ""
    tracking_number: str = ""
    tracking_url: str = ""

    @property
    def address(self) -> Address | None:
        return self.order.address_delivery

    @property
    def paid(self) -> bool:
        return bool(self.order.current_state and self.order.current_state.paid)

    @property
    def currency(self) -> str:
        return self.order.currency.iso_code if self.order.currency else ""


@dataclass
class CustomerRow:
    customer: Customer
    admin_url: str
    order_count: int
    orders: list = field(default_factory=list)

    @property
    def more_orders(self) -> int:
        return self.order_count - len(self.orders)


def customers_with_email(emails: Iterable[str]) -> QuerySet[Customer]:
    """The shop customers with any of these e-mails, compared lower-cased as PrestaShop does (an indexed lookup)."""
    lowered = sorted({email.strip().lower() for email in emails})
    return Customer.objects.alias(email_lower=Lower("email")).filter(email_lower__in=lowered)


def customer_panel(emails: list[str], language: str, all_orders: bool = False) -> dict:
    """Template context of customers/_customers_panel.html: `shop_customers` (CustomerRow list, accounts
    before guest checkouts) each with its newest orders (all of them with all_orders), names in `language`."""
    customers = list(
        customers_with_email(email for email in emails if email and email.strip())
        .annotate(order_count=Count("orders"))
        .order_by("is_guest", "id_customer")
    )
    rows: dict[Any, CustomerRow] = {
        c.id_customer: CustomerRow(c, customer_admin_url(c.id_customer), c.order_count) for c in customers
    }
    orders = _orders(list(rows), all_orders) if rows else []
    for order_row in _order_rows(orders, _language_code(language)):
        rows[order_row.order.customer_id].orders.append(order_row)
    return {"shop_customers": list(rows.values()), "all_orders": all_orders, "orders_shown": ORDERS_SHOWN}


def _language_code(language: str) -> str:
    return (language or "").split("-")[0].lower()


def _orders(customer_ids: list[int], all_orders: bool) -> list[Order]:
    orders = Order.objects.filter(customer_id__in=customer_ids).select_related(
        "currency", "carrier", "current_state", "address_delivery__country", "address_delivery__state"
    )
    if not all_orders:
        newest_first = Window(
            RowNumber(), partition_by=[F("customer_id")], order_by=[F("date_add").desc(), F("id_order").desc()]
        )
        orders = orders.annotate(rank=newest_first).filter(rank__lte=ORDERS_SHOWN)
    return list(orders.order_by("-date_add", "-id_order"))


def _order_rows(orders: list[Order], language: str) -> list[OrderRow]:
    if not orders:
        return []
    order_ids = [order.id_order for order in orders]
    products = _first_products(order_ids)
    shipments = _shipments(order_ids)
    state_names = _names(OrderStateLang, "order_state_id", {o.current_state_id for o in orders}, language)
    countries = {o.address_delivery.country_id for o in orders if o.address_delivery}
    country_names = _names(CountryLang, "country_id", countries, language)
    rows = []
    for order in orders:
        row = OrderRow(order, admin_url=order_admin_url(order.id_order))
        _set_status(row, state_names)
        lines = products.get(order.id_order, [])
        row.products = lines
        row.more_products = lines[0].line_count - len(lines) if lines else 0  # type: ignore[attr-defined]  # annotated
        if order.address_delivery:
            row.country = country_names.get(order.address_delivery.country_id, "")
        _set_shipment(row, shipments.get(order.id_order))
        rows.append(row)
    return rows


def _first_products(order_ids: list[int]) -> dict[int | None, list[OrderDetail]]:
    lines = (
        OrderDetail.objects.filter(order_id__in=order_ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("order_id")], order_by=F("id_order_detail").asc()),
            line_count=Window(Count("id_order_detail"), partition_by=[F("order_id")]),
        )
        .filter(rank__lte=PRODUCTS_SHOWN)
        .order_by("order_id", "id_order_detail")
    )
    by_order: dict[int | None, list[OrderDetail]] = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(line)
    return by_order


def _shipments(order_ids: list[int]) -> dict[int | None, OrderCarrier]:
    """Per order its newest carrier row, preferring one with a tracking number."""
    shipments: dict[int | None, OrderCarrier] = {}
    for shipment in (
        OrderCarrier.objects.filter(order_id__in=order_ids).select_related("carrier").order_by("id_order_carrier")
    ):
        current = shipments.get(shipment.order_id)
        if current is None or shipment.tracking_number or not current.tracking_number:
            shipments[shipment.order_id] = shipment
    return shipments


def _names(model: type[Model], key: str, ids: set[int | None], language: str) -> dict[int | None, str]:
    """Names of a PrestaShop *_lang table in `language`, else in the first language that has one."""
    names: dict[int | None, str] = {}
    rows = (
        model._default_manager.filter(**{f"{key}__in": ids})
        .values_list(key, "lang__iso_code", "name")
        .order_by("lang_id")
    )
    for object_id, iso_code, name in rows:
        if object_id not in names or iso_code.lower() == language:
            names[object_id] = name
    return names


def _set_status(row: OrderRow, state_names: dict[int | None, str]) -> None:
    state = row.order.current_state
    row.status = state_names.get(row.order.current_state_id, "")
    if state and HEX_COLOUR.fullmatch(state.color or ""):
        row.badge_colour = state.color
    row.text_colour = readable_text_colour(row.badge_colour)


def _set_shipment(row: OrderRow, shipment: OrderCarrier | None) -> None:
    order = row.order
    carrier = (shipment.carrier if shipment else None) or order.carrier
    row.tracking_number = (shipment.tracking_number if shipment else "") or order.shipping_number
    if carrier:
        row.carrier_name = carrier.name if carrier.name != "0" else settings.CRM_SHOP_NAME or _("the shop")
        row.tracking_url = tracking_url(carrier.url, row.tracking_number)


def tracking_url(pattern: str, tracking_number: str) -> str:
    """The carrier's tracking URL with "@" replaced by the number; "" unless it is an http(s) URL with a "@"."""
    if not tracking_number or "@" not in pattern or not pattern.lower().startswith(("https://", "http://")):
        return ""
    return pattern.replace("@", quote(tracking_number.strip(), safe=""))


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the #rgb / #rrggbb background (WCAG luminance)."""
    digits = background.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"
