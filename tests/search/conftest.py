from datetime import UTC, datetime

import pytest

from customers.models import Address, Customer

LONG_AGO = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def make_customer(firstname, lastname, email, *, when=LONG_AGO, addresses=(), **fields):
    customer = Customer.objects.create(
        firstname=firstname, lastname=lastname, email=email, date_add=when, date_upd=when, **fields
    )
    for address in addresses:
        make_address(customer, **address)
    return customer


def make_address(customer, *, when=LONG_AGO, **fields):
    values = {"firstname": customer.firstname, "lastname": customer.lastname, "address1": "ul. Długa 1"}
    values.update(fields)
    values.setdefault("city", "Warszawa")
    return Address.objects.create(customer=customer, date_add=when, date_upd=when, **values)


@pytest.fixture
def shop(db):
    """A few customers whose data is written the many ways real shops write it."""
    return {
        "jan_lodz": make_customer(
            "Jan",
            "Kowalski",
            "Jan.Kowalski@Example.com",
            addresses=[
                {
                    "city": "Łódź",
                    "postcode": "90-001",
                    "phone": "+48 600 100 200",
                    "vat_number": "PL 123-456-32-18",
                    "company": "Gęś i Syn sp. z o.o.",
                }
            ],
        ),
        "jan_krakow": make_customer(
            "Jan",
            "Nowak",
            "jnowak@example.com",
            addresses=[{"city": "Kraków", "postcode": "30-001", "phone_mobile": "501234567", "dni": "9876543210"}],
        ),
        "zofia": make_customer(
            "Zofia", "Zażółć", "zofia@example.com", addresses=[{"city": "LODZ", "phone": "(22) 555 12 34"}]
        ),
        "no_address": make_customer("Ewa", "Świątek", "ewa.swiatek@example.com"),
    }
