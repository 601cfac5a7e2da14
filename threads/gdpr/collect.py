"""What the CRM and the PrestaShop mirror hold about one e-mail address (GDPR art. 15).

What belongs to an address:
- the mirror's shop accounts with that e-mail (lower-cased, as PrestaShop compares), their addresses
  and orders with products and carriers;
- the CRM's threads whose customer is that address, with every message, note and attachment;
- in threads of other customers, messages sent by that address or naming it among the recipients.
"""

from dataclasses import dataclass, field
from email.utils import getaddresses

from django.db.models import Prefetch, Q
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.models import (
    Address,
    CountryLang,
    Customer,
    Disclosure,
    Erasure,
    Order,
    OrderCarrier,
    OrderDetail,
    OrderStateLang,
)
from customers.selectors import customers_with_email
from threads.models import Direction, Message, Thread

# Where this module lived first; kept, or the hashes of earlier erasures would no longer match.
HASH_SALT = "customers.gdpr.erasure"
ROLE_LABELS = {"from": _("sent by them"), "to": _("sent to them"), "cc": _("copied to them")}


def normalize(email: str) -> str:
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """Keyed with SECRET_KEY: the same address always gives the same hash, and the hash alone gives no address."""
    return salted_hmac(HASH_SALT, normalize(email), algorithm="sha256").hexdigest()


@dataclass
class ShopOrder:
    order: Order
    state: str
    carrier: str
    tracking_numbers: list[str]
    products: list[OrderDetail]


@dataclass
class ShopAccount:
    customer: Customer
    addresses: list[Address]
    orders: list[ShopOrder]


@dataclass
class OtherMessage:
    """A message in another customer's thread that involves the address."""

    message: Message
    # "from", "to" or "cc": how the address appears in it.
    role: str

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def erasable(self) -> bool:
        """What the person wrote, or what we wrote to them; other people's mail stays theirs."""
        return self.role == "from" or (self.role == "to" and self.message.direction == Direction.OUTGOING)


@dataclass
class PersonalData:
    email: str
    accounts: list[ShopAccount] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    other_messages: list[OtherMessage] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)
    erasures: list[Erasure] = field(default_factory=list)

    @property
    def order_count(self) -> int:
        return sum(len(account.orders) for account in self.accounts)

    @property
    def thread_messages(self) -> list[Message]:
        return [message for thread in self.threads for message in thread.all_messages]

    @property
    def erasable_others(self) -> list[Message]:
        return [other.message for other in self.other_messages if other.erasable]

    @property
    def kept_others(self) -> list[Message]:
        return [other.message for other in self.other_messages if not other.erasable]

    @property
    def erasable_messages(self) -> list[Message]:
        return self.thread_messages + self.erasable_others

    @property
    def erasable_attachments(self) -> list:
        return [attachment for message in self.erasable_messages for attachment in message.all_attachments]


def collect(email: str) -> PersonalData:
    """Everything held about `email`, in a fixed number of queries whatever its size."""
    email = normalize(email)
    data = PersonalData(email=email)
    if not email:
        return data
    language = (get_language() or "en")[:2]
    data.accounts = [_account(customer, language) for customer in _customers(email)]
    data.threads = list(_threads(email))
    data.other_messages = _other_messages(email)
    data.disclosures = list(Disclosure.objects.filter(email=email).select_related("created_by"))
    data.erasures = list(Erasure.objects.filter(email_hash=email_hash(email)))
    return data


def _customers(email: str):
    names = CountryLang.objects.select_related("lang")
    return (
        customers_with_email([email])
        .order_by("id_customer")
        .prefetch_related(
            Prefetch(
                "addresses",
                queryset=Address.objects.select_related("country", "state").order_by("id_address"),
                to_attr="all_addresses",
            ),
            Prefetch("all_addresses__country__names", queryset=names),
            Prefetch(
                "orders",
                queryset=Order.objects.select_related(
                    "currency", "carrier", "current_state", "address_delivery", "address_invoice"
                ).order_by("date_add", "id_order"),
                to_attr="all_orders",
            ),
            Prefetch("all_orders__current_state__names", queryset=OrderStateLang.objects.select_related("lang")),
            Prefetch("all_orders__details", queryset=OrderDetail.objects.order_by("id_order_detail")),
            Prefetch("all_orders__order_carriers", queryset=OrderCarrier.objects.select_related("carrier")),
        )
    )


def _account(customer: Customer, language: str) -> ShopAccount:
    for address in customer.all_addresses:
        address.country_name = _name_in(address.country.names.all(), language) if address.country else ""
    by_id = {address.id_address: address for address in customer.all_addresses}
    for order in customer.all_orders:
        # The customer's own copies, which carry the country name.
        order.address_delivery = by_id.get(order.address_delivery_id, order.address_delivery)
        order.address_invoice = by_id.get(order.address_invoice_id, order.address_invoice)
    orders = [
        ShopOrder(
            order=order,
            state=_name_in(order.current_state.names.all(), language) if order.current_state else "",
            carrier=order.carrier.name if order.carrier else "",
            tracking_numbers=[c.tracking_number for c in order.order_carriers.all() if c.tracking_number],
            products=list(order.details.all()),
        )
        for order in customer.all_orders
    ]
    return ShopAccount(customer=customer, addresses=customer.all_addresses, orders=orders)


def _name_in(names, language: str) -> str:
    """The name in the UI language, else the first one there is."""
    names = list(names)
    chosen = next((n for n in names if n.lang and n.lang.iso_code == language), names[0] if names else None)
    return chosen.name if chosen else ""


def _with_attachments():
    return Message.objects.select_related("author").prefetch_related(Prefetch("attachments", to_attr="all_attachments"))


def _threads(email: str):
    return (
        Thread.objects.filter(customer_email=email)
        .select_related("pok", "owner")
        .order_by("created_at", "id")
        .prefetch_related(Prefetch("messages", queryset=_with_attachments(), to_attr="all_messages"))
    )


def _other_messages(email: str) -> list[OtherMessage]:
    # icontains finds candidates; parsing the headers drops "ajan@x" for "jan@x".
    candidates = (
        _with_attachments()
        .filter(Q(from_address__iexact=email) | Q(to__icontains=email) | Q(cc__icontains=email))
        .exclude(thread__customer_email=email)
        .select_related("thread")
    )
    found = []
    for message in candidates:
        role = _role(message, email)
        if role:
            found.append(OtherMessage(message=message, role=role))
    return found


def _role(message: Message, email: str) -> str:
    if message.from_address.lower() == email:
        return "from"
    for role, header in (("to", message.to), ("cc", message.cc)):
        if any(address.lower() == email for _name, address in getaddresses([header])):
            return role
    return ""
