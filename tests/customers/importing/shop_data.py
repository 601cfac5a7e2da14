"""One small PrestaShop shop with the nasty cases, as rows in PrestaShop's column names.

Loaded into MariaDB (mysql source) and served as Webservice JSON (api source).
Dates are naive shop-local times relative to NOW, as PrestaShop stores them.
"""

import datetime
from zoneinfo import ZoneInfo

SHOP_ZONE = ZoneInfo("Europe/Warsaw")
NOW = datetime.datetime.now(SHOP_ZONE).replace(tzinfo=None, microsecond=0)
ZERO = "0000-00-00 00:00:00"
# Bytes of a UTF-8 sequence cut in half ("Kowal" + first byte of "ś"), as old dumps hold them.
BROKEN_LASTNAME = b"Kowal\xc5"


def ago(days: float = 0, minutes: float = 0) -> str:
    return f"{NOW - datetime.timedelta(days=days, minutes=minutes):%Y-%m-%d %H:%M:%S}"


def shop_rows() -> dict[str, list[dict]]:
    return {
        "lang": [
            {
                "id_lang": 1,
                "name": "Polski (Polish)",
                "active": 1,
                "iso_code": "pl",
                "language_code": "pl-pl",
                "locale": "pl-PL",
            },
            {
                "id_lang": 2,
                "name": "English (English)",
                "active": 1,
                "iso_code": "en",
                "language_code": "en-us",
                "locale": "en-US",
            },
        ],
        "currency": [
            {
                "id_currency": 1,
                "name": "złoty polski",
                "iso_code": "PLN",
                "numeric_iso_code": "985",
                "conversion_rate": "1.000000",
            },
        ],
        "country": [
            {"id_country": 14, "id_zone": 1, "iso_code": "PL", "call_prefix": 48, "active": 1, "display_tax_label": 1},
            {"id_country": 8, "id_zone": 1, "iso_code": "FR", "call_prefix": 33, "active": 1, "display_tax_label": 1},
        ],
        "country_lang": [
            {"id_country": 14, "id_lang": 1, "name": "Polska"},
            {"id_country": 14, "id_lang": 2, "name": "Poland"},
            {"id_country": 8, "id_lang": 1, "name": "Francja"},
            {"id_country": 8, "id_lang": 2, "name": "France"},
        ],
        "state": [
            {"id_state": 1, "id_country": 14, "id_zone": 1, "name": "Mazowieckie", "iso_code": "PL-MZ", "active": 1}
        ],
        "order_state": [
            {
                "id_order_state": 2,
                "invoice": 1,
                "color": "#32CD32",
                "unremovable": 1,
                "logable": 1,
                "paid": 1,
                "module_name": "",
            },
            {
                "id_order_state": 4,
                "invoice": 1,
                "color": "#8A2BE2",
                "unremovable": 1,
                "logable": 1,
                "paid": 1,
                "shipped": 1,
                "delivery": 1,
            },
        ],
        "order_state_lang": [
            {"id_order_state": 2, "id_lang": 1, "name": "Płatność zaakceptowana", "template": "payment"},
            {"id_order_state": 2, "id_lang": 2, "name": "Payment accepted", "template": "payment"},
            {"id_order_state": 4, "id_lang": 1, "name": "Wysłane", "template": "shipped"},
            {"id_order_state": 4, "id_lang": 2, "name": "Shipped", "template": "shipped"},
        ],
        "employee": [
            employee(1, "Ewa", "Nowak", "ewa.nowak@shop.example", active=1),
            employee(2, "Piotr", "Zieliński", "piotr@shop.example", active=0),
            employee(3, "Anna", "Wiśniewska", "Anna.W@shop.example", active=1),
        ],
        "carrier": [
            {"id_carrier": 1, "id_reference": 1, "name": "0", "url": "", "active": 1},
            {
                "id_carrier": 2,
                "id_reference": 2,
                "name": "InPost Paczkomaty 24/7",
                "url": "https://inpost.pl/sledzenie-przesylek?number=@",
                "active": 1,
                "is_module": 1,
                "external_module_name": "inpostshipping",
            },
        ],
        "customer": [
            customer(
                1,
                "Jan",
                "Kowalski",
                "jan.kowalski@example.pl",
                date_add=ago(400),
                date_upd=ago(10),
                company="Kowalski Sp. z o.o.",
                birthday="1980-05-17",
                newsletter=1,
                note="Stały klient",
            ),
            # A guest checkout with the same e-mail, written differently.
            customer(2, "Jan", "Kowalski", "Jan.Kowalski@Example.PL", date_add=ago(20), date_upd=ago(20), is_guest=1),
            customer(3, "Zażółć", BROKEN_LASTNAME, "zazolc@example.pl", date_add=ago(30), date_upd=ago(30)),
            customer(4, "Anna", "Nowak", "anna@example.fr", date_add=ZERO, date_upd=ago(15), birthday="0000-00-00"),
            # Customer 99 was hard-deleted: order 3 still points at it.
        ],
        "address": [
            address(
                1,
                1,
                "Dom",
                "ul. Piotrkowska 1",
                "Łódź",
                date_upd=ago(10),
                id_state=1,
                company="Kowalski Sp. z o.o.",
                phone="+48 600 100 200",
                vat_number="PL 123-456-32-18",
            ),
            # The row PrestaShop kept (deleted) when the customer edited the address: order 2 points at it.
            address(2, 1, "Dom", "ul. Piotrkowska 1a", "Łódź", date_upd=ago(50), deleted=1, phone="600100200"),
            # A manufacturer's address: id_customer 0, never mirrored.
            dict(address(3, 0, "Producent", "ul. Fabryczna 5", "Poznań", date_upd=ago(50)), id_manufacturer=5),
            address(4, 2, "Praca", "ul. Marszałkowska 10", "Warszawa", date_upd=ago(20), id_state=None),
            address(5, 4, "Maison", "12 rue de la Paix", "Paris", date_upd=ago(15), id_country=8, dni="X1234567"),
        ],
        "orders": [
            order(
                1,
                "XKBKNABJK",
                1,
                carrier=2,
                address=1,
                state=4,
                date_add=ago(5),
                date_upd=ago(4),
                invoice_number=7,
                invoice_date=ago(5),
                delivery_date=ZERO,
                total="123.450000",
            ),
            order(
                2,
                "QWERTYUIO",
                2,
                carrier=1,
                address=2,
                state=2,
                date_add=ago(60),
                date_upd=ago(59),
                invoice_date=ZERO,
                delivery_date=ZERO,
                total="49.990000",
            ),
            order(
                3,
                "ZZZZZZZZZ",
                99,
                carrier=1,
                address=4,
                state=2,
                date_add=ago(100),
                date_upd=ago(100),
                invoice_date=ZERO,
                delivery_date=ZERO,
                total="10.000000",
            ),
            # Split by carrier at checkout: same reference as order 1.
            order(
                4,
                "XKBKNABJK",
                1,
                carrier=1,
                address=1,
                state=2,
                date_add=ago(5),
                date_upd=ago(5),
                invoice_date=ZERO,
                delivery_date=ZERO,
                total="20.000000",
                note="Proszę dzwonić",
            ),
        ],
        "order_detail": [
            detail(1, 1, 10, "Kubek - Kolor : Czerwony", "MUG-R", 2, "30.500000"),
            detail(2, 1, 11, "Talerz głęboki", "PLATE", 1, "62.450000"),
            detail(3, 2, 10, "Kubek - Kolor : Niebieski", "MUG-B", 1, "49.990000"),
            detail(4, 3, 12, "Łyżka", "", 1, "10.000000"),
            detail(5, 4, 13, "Widelec", "FORK", 4, "5.000000"),
        ],
        "order_history": [
            {"id_order_history": 1, "id_employee": 0, "id_order": 1, "id_order_state": 2, "date_add": ago(5)},
            {"id_order_history": 2, "id_employee": 1, "id_order": 1, "id_order_state": 4, "date_add": ago(4)},
            {"id_order_history": 3, "id_employee": 0, "id_order": 2, "id_order_state": 2, "date_add": ago(60)},
            {"id_order_history": 4, "id_employee": 0, "id_order": 3, "id_order_state": 2, "date_add": ago(100)},
            {"id_order_history": 5, "id_employee": 0, "id_order": 4, "id_order_state": 2, "date_add": ago(5)},
        ],
        "order_carrier": [
            order_carrier(1, 1, 2, "", ago(5)),
            order_carrier(2, 2, 1, "OLD123", ago(60)),
            order_carrier(3, 3, 1, None, ago(100)),
            order_carrier(4, 4, 1, "", ago(5)),
        ],
    }


def employee(id_employee, firstname, lastname, email, active) -> dict:
    return {
        "id_employee": id_employee,
        "id_profile": 1 if id_employee == 1 else 2,
        "lastname": lastname,
        "firstname": firstname,
        "email": email,
        "passwd": "$2y$10$notarealhashnotarealhashnotarealhashnotarealhash",
        "active": active,
    }


def customer(id_customer, firstname, lastname, email, date_add, date_upd, **extra) -> dict:
    return {
        "id_customer": id_customer,
        "id_gender": 1,
        "id_lang": 1,
        "firstname": firstname,
        "lastname": lastname,
        "email": email,
        "passwd": "$2y$10$abcdefghijklmnopqrstuuJ9Qe2m1pN3Vd8c9V5mZb6y3o0kq8w1S",
        "secure_key": "0123456789abcdef0123456789abcdef",
        "active": 1,
        "date_add": date_add,
        "date_upd": date_upd,
        **extra,
    }


def address(id_address, id_customer, alias, address1, city, date_upd, id_country=14, **extra) -> dict:
    return {
        "id_address": id_address,
        "id_country": id_country,
        "id_state": extra.pop("id_state", 0),
        "id_customer": id_customer,
        "alias": alias,
        "lastname": "Kowalski",
        "firstname": "Jan",
        "address1": address1,
        "postcode": "90-001",
        "city": city,
        "date_add": date_upd,
        "date_upd": date_upd,
        **extra,
    }


def order(id_order, reference, id_customer, carrier, address, state, date_add, date_upd, total, **extra) -> dict:
    return {
        "id_order": id_order,
        "reference": reference,
        "id_carrier": carrier,
        "id_lang": 1,
        "id_customer": id_customer,
        "id_cart": 100 + id_order,
        "id_currency": 1,
        "id_address_delivery": address,
        "id_address_invoice": address,
        "current_state": state,
        "secure_key": "0123456789abcdef0123456789abcdef",
        "payment": "Przelew bankowy",
        "module": "ps_wirepayment",
        "total_paid": total,
        "total_paid_tax_incl": total,
        "total_paid_tax_excl": total,
        "total_paid_real": total,
        "total_products_wt": total,
        "total_shipping_tax_incl": "0.000000",
        "valid": 1,
        "date_add": date_add,
        "date_upd": date_upd,
        **extra,
    }


def detail(id_detail, id_order, product_id, name, reference, quantity, unit_price) -> dict:
    total = f"{float(unit_price) * quantity:.6f}"
    return {
        "id_order_detail": id_detail,
        "id_order": id_order,
        "id_shop": 1,
        "product_id": product_id,
        "product_attribute_id": 0,
        "product_name": name,
        "product_quantity": quantity,
        "product_reference": reference,
        "product_weight": "0.500000",
        "tax_name": "PTU PL 23%",
        "unit_price_tax_incl": unit_price,
        "total_price_tax_incl": total,
    }


def order_carrier(id_order_carrier, id_order, id_carrier, tracking_number, date_add) -> dict:
    return {
        "id_order_carrier": id_order_carrier,
        "id_order": id_order,
        "id_carrier": id_carrier,
        "weight": "1.200000",
        "shipping_cost_tax_incl": "15.990000",
        "tracking_number": tracking_number,
        "date_add": date_add,
    }
