"""The navigation header of every staff page (its POK panels count threads) and thread labels."""

import time

from django import template
from django.conf import settings

from crm.preferences import session_notifications
from threads import ages
from threads.models import Status
from threads.selectors import pok_panels

register = template.Library()


@register.inclusion_tag("threads/_navigation.html", takes_context=True)
def navigation(context):
    """Back, Overview and one small panel per visible POK (spec 7.1); nothing for visitors."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"show": False}
    # The overview has the same panels already: no second pair of queries.
    panels = context["pok_panels"] if "pok_panels" in context else pok_panels(user)
    return {
        "show": True,
        "panels": panels,
        "request": request,
        "user": user,
        # The first poll learns the version; "new since you looked" counts from the page's load.
        # With its fraction: mail stored in the same second before the page was drawn is not "new since".
        "loaded": f"{time.time():.6f}",
        "poll_seconds": settings.CRM_LIVE_POLL_SECONDS,
        "notifications": session_notifications(request),
        "LANGUAGES": settings.LANGUAGES,
    }


@register.filter
def status_label(value: str) -> str:
    """The translated name of a thread status code, as kept in the history."""
    return Status(value).label if value in Status.values else value


@register.filter
def ago(value):
    """ "6 days ago" with the exact date on hover; nothing for no date."""
    return ages.ago(value) if value else ""
