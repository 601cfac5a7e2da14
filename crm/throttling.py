"""Login throttling (django-axes) hooks: the client address failures are counted by, and the lockout page."""

import ipaddress

from django.conf import settings
from django.shortcuts import render

USERNAME_CHARS = 255  # axes.models.AccessAttempt.username


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind CRM_TRUSTED_PROXY_COUNT proxies the address the outermost one saw.

    Each proxy appends the address it was called from to X-Forwarded-For, so only the last
    CRM_TRUSTED_PROXY_COUNT entries are ours; what a client wrote before them is not trusted.
    """
    count = settings.CRM_TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count and _is_address(forwarded[-count]):
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def username(request, credentials=None) -> str | None:
    """The user name failures are counted by (AXES_USERNAME_CALLABLE), as django-axes finds it, cut to what its
    table holds: a 100 kB user name on a failed login was a database error on PostgreSQL."""
    field = settings.AXES_USERNAME_FORM_FIELD
    name = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    return name[:USERNAME_CHARS] if isinstance(name, str) else name


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE), HTTP 429."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
