"""Links shared by the pages of several apps."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def customer_card_url(email: str) -> str:
    """The customer card of an e-mail address (spec 8)."""
    return f"{reverse('customer_card')}?{urlencode({'email': email})}"
