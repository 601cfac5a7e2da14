"""Links shared by the pages of several apps."""

from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import get_language

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


@register.simple_tag
def keys_help() -> str:
    """The keyboard shortcuts' help (crm/_keys_help.html): the same on every page in a language, drawn once per
    language instead of for every page."""
    return _keys_help(get_language())


@lru_cache(maxsize=16)
def _keys_help(language: str) -> str:
    return get_template("crm/_keys_help.html").render({})
