"""The navigation header of every staff page (its POK panels count threads) and thread labels."""

import secrets
import time

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from crm.memo import kept
from crm.permissions import sees_personal_data
from crm.preferences import session_notifications
from threads import ages
from threads.models import Status
from threads.selectors import pok_panels

register = template.Library()


# Where the navigation drawn once holds the request's own values (an unguessable word, never in other content).
_PLACEHOLDER = secrets.token_hex(8)
CSRF_SPOT, PATH_SPOT, LOADED_SPOT = (f"{what}{_PLACEHOLDER}" for what in ("csrf", "path", "loaded"))
CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_SPOT}">'  # as {% csrf_token %} draws it
NAVIGATIONS_KEPT = 512


@register.simple_tag(takes_context=True)
def navigation(context):
    """Back, Overview and one small panel per visible POK (spec 7.1); nothing for visitors.

    Drawn once per user, the name and permissions they are shown with, language, notification choice and counts
    (they are the key: never another user's menu, never a stale count), then given this request's CSRF token,
    path and load time."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return ""
    # The overview has the same panels already: no second pair of queries.
    panels = context["pok_panels"] if "pok_panels" in context else pok_panels(user)
    notifications = session_notifications(request)
    key = (
        user.pk,
        user.get_full_name() or user.get_username(),
        user.is_superuser,
        sees_personal_data(user),
        get_language(),
        notifications,
        get_script_prefix(),
        get_urlconf(),
        tuple(_panel_key(panel) for panel in panels),
    )
    drawn = kept(_navigations, key, lambda: _drawn_navigation(user, panels, notifications), NAVIGATIONS_KEPT)
    # The first poll learns the version; "new since you looked" counts from the page's load.
    # With its fraction: mail stored in the same second before the page was drawn is not "new since".
    return SafeString(
        drawn.replace(CSRF_INPUT, CsrfTokenNode().render(context))
        .replace(PATH_SPOT, conditional_escape(request.path))
        .replace(LOADED_SPOT, f"{time.time():.6f}")
    )


_navigations: dict[tuple, str] = {}


def _panel_key(panel) -> tuple:
    return (
        panel.pok.pk,
        panel.pok.name,
        panel.new,
        panel.waiting,
        panel.archived,
        panel.spam,
        panel.undelivered,
        panel.unread,
        panel.unread_capped,
    )


def _drawn_navigation(user, panels, notifications: str) -> str:
    context = {
        "panels": panels,
        "request": {"path": PATH_SPOT},
        "user": user,
        "csrf_token": CSRF_SPOT,
        "loaded": LOADED_SPOT,
        "poll_seconds": settings.CRM_LIVE_POLL_SECONDS,
        "notifications": notifications,
        "LANGUAGES": settings.LANGUAGES,
    }
    return get_template("threads/_navigation.html").render(context)


@register.filter
def status_label(value: str) -> str:
    """The translated name of a thread status code, as kept in the history."""
    return Status(value).label if value in Status.values else value


@register.filter
def ago(value):
    """ "6 days ago" with the exact date on hover; nothing for no date."""
    return ages.ago(value) if value else ""
