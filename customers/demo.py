"""A realistic demo shop in the mirror tables, in bulk and deterministic.

Customer N is always the same person, so re-running adds only what is missing
and benchmarks know what to expect. Named customers come first (ids 1..),
then generated ones.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from unidecode import unidecode

from customers import demo_data as data
from customers.bulk import insert_rows
from customers.models import (
    Address,
    Carrier,
    Country,
    CountryLang,
    Currency,
    Customer,
    Lang,
    Order,
    OrderCarrier,
    OrderDetail,
    OrderHistory,
    OrderState,
    OrderStateLang,
)

BATCH = 2000
EPOCH = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(60))
POLAND = 14

# Known people: the README and the tests refer to them. A guest checkout shares Jan's e-mail.
NAMED_CUSTOMERS = [
    # firstname, lastname, email, is_guest, company, nip, phone, city, postcode, street
    (
        "Jan",
        "Kowalski",
        "jan.kowalski@example.com",
        False,
        "Gęś i Syn sp. z o.o.",
        "PL 123-456-32-18",
        "+48 600 100 200",
        "Łódź",
        "90-001",
        "ul. Piotrkowska 12",
    ),
    (
        "Jan",
        "Kowalski",
        "jan.kowalski@example.com",
        True,
        "",
        "",
        "600-100-200",
        "Łódź",
        "90-001",
        "ul. Piotrkowska 12 m. 3",
    ),
    ("Zofia", "Zażółć", "zofia.zazolc@example.com", False, "", "", "600100201", "Kraków", "30-001", "ul. Długa 5"),
    (
        "Grzegorz",
        "Gęś",
        "grzegorz.ges@example.com",
        False,
        "Zażółć Handel s.c.",
        "5261040828",
        "(22) 555 12 34",
        "Gdańsk",
        "80-001",
        "ul. Świętojańska 1",
    ),
    (
        "Łukasz",
        "Świątek",
        "lukasz.swiatek@example.com",
        True,
        "",
        "",
        "+48 501 234 567",
        "Świnoujście",
        "72-600",
        "ul. Żeromskiego 8",
    ),
]


@transaction.atomic
def seed_reference_data():
    Lang.objects.bulk_create(
        [Lang(id_lang=i, name=n, iso_code=iso, language_code=code, locale=loc) for i, n, iso, code, loc in data.LANGS],
        ignore_conflicts=True,
    )
    Country.objects.bulk_create(
        [Country(id_country=i, iso_code=iso, call_prefix=p) for i, iso, p, _pl, _en in data.COUNTRIES],
        ignore_conflicts=True,
    )
    CountryLang.objects.bulk_create(
        [
            CountryLang(country_id=i, lang_id=lang, name=name)
            for i, _iso, _p, pl, en in data.COUNTRIES
            for lang, name in ((1, pl), (2, en))
        ],
        ignore_conflicts=True,
    )
    Currency.objects.bulk_create(
        [Currency(id_currency=i, iso_code=iso, name=n) for i, iso, n in data.CURRENCIES], ignore_conflicts=True
    )
    OrderState.objects.bulk_create(
        [
            OrderState(id_order_state=i, color=c, paid=p, shipped=s, delivery=d, logable=lg)
            for i, c, p, s, d, lg, _pl, _en in data.ORDER_STATES
        ],
        ignore_conflicts=True,
    )
    OrderStateLang.objects.bulk_create(
        [
            OrderStateLang(order_state_id=i, lang_id=lang, name=name)
            for i, *_flags, pl, en in data.ORDER_STATES
            for lang, name in ((1, pl), (2, en))
        ],
        ignore_conflicts=True,
    )
    Carrier.objects.bulk_create(
        [Carrier(id_carrier=i, id_reference=i, name=n, url=u) for i, n, u in data.CARRIERS], ignore_conflicts=True
    )


def seed_shop(customers: int, progress=None) -> dict:
    """Make sure customers 1..N exist with addresses and orders; returns how many rows were added."""
    seed_reference_data()
    start = (Customer.objects.aggregate(top=Max("id_customer"))["top"] or 0) + 1
    added = {"customers": 0, "addresses": 0, "orders": 0}
    for first in range(start, customers + 1, BATCH):
        last = min(first + BATCH - 1, customers)
        counts = _seed_batch(first, last)
        for key, value in counts.items():
            added[key] += value
        if progress:
            progress(last, customers)
    return added


@transaction.atomic
def _seed_batch(first: int, last: int) -> dict:
    people = [_person(id_customer) for id_customer in range(first, last + 1)]
    insert_rows(Customer, [p["customer"] for p in people])
    insert_rows(Address, [a for p in people for a in p["addresses"]])
    orders = [o for p in people for o in p["orders"]]
    insert_rows(Order, [o["order"] for o in orders])
    insert_rows(OrderDetail, [d for o in orders for d in o["details"]])
    insert_rows(OrderHistory, [h for o in orders for h in o["history"]])
    insert_rows(OrderCarrier, [o["carrier"] for o in orders])
    return {"customers": len(people), "addresses": sum(len(p["addresses"]) for p in people), "orders": len(orders)}


def _person(id_customer: int) -> dict:
    rng = random.Random(id_customer)
    when = EPOCH - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
    if id_customer <= len(NAMED_CUSTOMERS):
        first, last, email, guest, company, nip, phone, city, postcode, street = NAMED_CUSTOMERS[id_customer - 1]
    else:
        # Every 40th customer is a guest checkout of the previous customer's e-mail.
        email_owner = id_customer - 1 if id_customer % 40 == 0 else id_customer
        first, last = _generated_name(email_owner)
        email = _generated_email(email_owner)
        guest = email_owner != id_customer or rng.random() < 0.15
        company = rng.choice(data.COMPANIES) if rng.random() < 0.1 else ""
        nip = _written_nip(rng) if company else ""
        phone = _written_phone(rng)
        city, postcode = rng.choice(data.CITIES)
        street = f"{rng.choice(data.STREETS)} {rng.randint(1, 200)}"
    customer = dict(
        id_customer=id_customer,
        id_lang=1,
        company=company,
        firstname=first,
        lastname=last,
        email=email,
        is_guest=guest,
        newsletter=rng.random() < 0.3,
        date_add=when,
        date_upd=when,
    )
    address = dict(
        id_address=id_customer,
        customer_id=id_customer,
        country_id=POLAND,
        state_id=0,
        alias="Mój adres",
        company=company,
        firstname=first,
        lastname=last,
        address1=street,
        postcode=postcode,
        city=city,
        phone=phone,
        phone_mobile="",
        vat_number=nip,
        date_add=when,
        date_upd=when,
    )
    order_count = 3 if id_customer <= len(NAMED_CUSTOMERS) else rng.choice((0, 0, 1, 1, 1, 2, 3))
    orders = [_order(rng, id_customer, n, address, when) for n in range(order_count)]
    return {"customer": customer, "addresses": [address], "orders": orders}


def _generated_name(id_customer: int) -> tuple[str, str]:
    rng = random.Random(f"name:{id_customer}")
    return rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)


def _generated_email(id_customer: int) -> str:
    first, last = _generated_name(id_customer)
    domain = data.DOMAINS[id_customer % len(data.DOMAINS)]
    return f"{unidecode(first).lower()}.{unidecode(last).lower()}{id_customer}@{domain}"


def _written_phone(rng: random.Random) -> str:
    digits = f"{rng.randint(500, 899)}{rng.randint(100, 999)}{rng.randint(100, 999)}"
    return rng.choice(data.PHONE_WRITINGS).format(a=digits[:3], b=digits[3:6], c=digits[6:])


def _written_nip(rng: random.Random) -> str:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(10))
    return rng.choice(data.NIP_WRITINGS).format(a=digits[:3], b=digits[3:6], c=digits[6:8], d=digits[8:])


def _order(rng: random.Random, id_customer: int, n: int, address: dict, customer_since: datetime) -> dict:
    id_order = id_customer * 4 + n  # room for up to four orders per customer, stable across runs
    placed = customer_since + timedelta(days=rng.randint(0, 60) + 30 * n, hours=rng.randint(0, 23))
    state = rng.choice((2, 3, 4, 4, 5, 5, 5, 6, 10))
    id_carrier = rng.choice((1, 2, 2, 3, 4))
    lines = [
        (rng.choice(data.PRODUCTS), rng.randint(1, 3), Decimal(rng.randint(900, 25000)) / 100)
        for _ in range(rng.choice((1, 1, 2, 3, 4, 5)))
    ]
    products_total = sum(q * price for _name, q, price in lines)
    shipping = Decimal("0.00") if id_carrier == 1 else Decimal("14.99")
    order = dict(
        id_order=id_order,
        reference=_reference(rng),
        customer_id=id_customer,
        id_cart=id_order,
        id_lang=1,
        currency_id=1,
        carrier_id=id_carrier,
        address_delivery_id=address["id_address"],
        address_invoice_id=address["id_address"],
        current_state_id=state,
        payment=rng.choice(("Przelewy24", "BLIK", "Przelew bankowy", "Za pobraniem")),
        module="ps_wirepayment",
        total_paid=products_total + shipping,
        total_paid_tax_incl=products_total + shipping,
        total_paid_tax_excl=((products_total + shipping) / Decimal("1.23")).quantize(Decimal("0.000001")),
        total_paid_real=products_total + shipping,
        total_products_wt=products_total,
        total_shipping_tax_incl=shipping,
        valid=state in (2, 3, 4, 5),
        date_add=placed,
        date_upd=placed,
    )
    details = [
        dict(
            id_order_detail=id_order * 8 + i,
            order_id=id_order,
            product_id=data.PRODUCTS.index(name) + 1,
            product_name=name,
            product_reference=f"SKU-{data.PRODUCTS.index(name) + 1:04d}",
            product_quantity=q,
            unit_price_tax_incl=price,
            total_price_tax_incl=q * price,
        )
        for i, (name, q, price) in enumerate(lines)
    ]
    history = [dict(id_order_history=id_order * 4, order_id=id_order, order_state_id=10, date_add=placed)]
    if state != 10:
        history.append(
            dict(
                id_order_history=id_order * 4 + 1,
                order_id=id_order,
                order_state_id=state,
                date_add=placed + timedelta(days=1),
            )
        )
    tracking = f"{rng.randint(10**15, 10**16 - 1)}" if state in (4, 5) and id_carrier != 1 else ""
    carrier = dict(
        id_order_carrier=id_order,
        order_id=id_order,
        carrier_id=id_carrier,
        tracking_number=tracking,
        shipping_cost_tax_incl=shipping,
        date_add=placed,
    )
    return {"order": order, "details": details, "history": history, "carrier": carrier}


def _reference(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(9))
