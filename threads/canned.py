"""Canned replies filled in for one thread (the "canned replies" anchor in the last section of docs/spec.md)."""

from customers.models import Order
from customers.selectors import customers_with_email
from threads.models import CannedReply, Thread


def available_for(thread: Thread):
    return CannedReply.objects.filter(language=thread.pok.language)


def fill(canned: CannedReply, thread: Thread) -> str:
    """The canned text with its placeholders replaced; unknown braces are left alone."""
    values = {
        "{first_name}": _first_name(thread),
        "{thread_id}": thread.token,
        "{last_order}": _last_order_reference(thread.customer_email),
    }
    text = canned.text
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def _first_name(thread: Thread) -> str:
    newest = (
        customers_with_email([thread.customer_email]).order_by("-date_upd").values_list("firstname", flat=True).first()
    )
    if newest:
        return newest
    return (thread.customer_name.split() or [""])[0]


def _last_order_reference(email: str) -> str:
    return (
        Order.objects.filter(customer__in=customers_with_email([email]))
        .order_by("-date_add")
        .values_list("reference", flat=True)
        .first()
        or ""
    )
