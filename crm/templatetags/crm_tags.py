"""Links shared by the pages of several apps."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from crm import permissions

register = template.Library()


@register.filter
def sees_personal_data(user) -> bool:
    """Whether the user may open the personal-data pages (their links), one query per request at most."""
    return user.is_authenticated and permissions.sees_personal_data(user)


@register.filter
def customer_card_url(email: str) -> str:
    """The customer card of an e-mail address (spec 8)."""
    return f"{reverse('customer_card')}?{urlencode({'email': email})}"
