"""Builders for the customer card tests: mirror rows and threads written the way the shop and mail sync write them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from customers.demo import seed_reference_data
from customers.models import Address, Customer, Order, OrderCarrier, OrderDetail
from threads.models import Direction, Message, Thread

PLACED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
POLAND = 14
SHIPPED = 4  # demo reference data: "Wysłane" / "Shipped", #8A2BE2, paid
AWAITING_WIRE = 10  # "Oczekiwanie na płatność przelewem" / "Awaiting bank wire payment", not paid
INPOST = 2  # https://inpost.pl/sledzenie-przesylek?number=@


def make_customer(email, firstname="Jan", lastname="Kowalski", is_guest=False, **fields):
    seed_reference_data()
    customer = Customer.objects.create(
        firstname=firstname,
        lastname=lastname,
        email=email,
        is_guest=is_guest,
        date_add=PLACED,
        date_upd=PLACED,
        **fields,
    )
    Address.objects.create(
        customer=customer,
        country_id=POLAND,
        state_id=0,
        firstname=firstname,
        lastname=lastname,
        address1="ul. Piotrkowska 12",
        postcode="90-001",
        city="Łódź",
        phone="+48 600 100 200",
        date_add=PLACED,
        date_upd=PLACED,
    )
    return customer


def make_order(
    customer,
    *,
    days=0,
    reference="XKBKNABJK",
    products=1,
    state=SHIPPED,
    carrier=INPOST,
    tracking="",
    shipping_number="",
    total="123.45",
):
    address = customer.addresses.first()
    placed = PLACED + timedelta(days=days)
    order = Order.objects.create(
        reference=reference,
        customer=customer,
        currency_id=1,
        carrier_id=carrier,
        address_delivery=address,
        address_invoice=address,
        current_state_id=state,
        shipping_number=shipping_number,
        total_paid_tax_incl=Decimal(total),
        date_add=placed,
        date_upd=placed,
    )
    OrderDetail.objects.bulk_create(
        [OrderDetail(order=order, product_name=f"Produkt {n}", product_quantity=n) for n in range(1, products + 1)]
    )
    OrderCarrier.objects.create(order=order, carrier_id=carrier, tracking_number=tracking, date_add=placed)
    return order


def make_thread(pok, email, subject="Pytanie o zamówienie", from_name="Jan Kowalski", from_address=None):
    thread = Thread.objects.create(
        pok=pok,
        subject=subject,
        customer_email=email.lower(),
        customer_name=from_name,
        last_message_at=PLACED,
        message_count=1,
    )
    Message.objects.create(
        thread=thread,
        pok=pok,
        direction=Direction.INCOMING,
        from_name=from_name,
        from_address=from_address or email,
        subject=subject,
        date=PLACED,
        body_text="Dzień dobry",
    )
    return thread
