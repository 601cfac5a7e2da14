"""A staff member's preferences (crm.models.Preferences): reading and saving them.

What every page needs (the language, whether browser notifications are on) is copied into the session at
login and whenever it is saved, so that no page pays a query for it (crm.middleware.UserLanguageMiddleware).
"""

from django.conf import settings
from django.utils import timezone

from crm.models import BrowserNotifications, Digest, Preferences

SESSION_KEY = "crm_preferences"


def preferences_of(user) -> Preferences:
    """The user's saved preferences, or the defaults (unsaved) when they never chose anything."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def mail_language(user) -> str:
    """The language the user chose ("" when the browser decides): for mail they write or receive."""
    if user is None:
        return ""
    return Preferences.objects.filter(user=user).values_list("language", flat=True).first() or ""


def save_preferences(
    user,
    *,
    language: str | None = None,
    browser_notifications: str | None = None,
    digest: str | None = None,
    request=None,
) -> Preferences:
    """Save the choices given (None keeps the saved one); a digest turned on covers customer mail from now
    on, not the archive."""
    preferences = preferences_of(user)
    turned_on = digest not in (None, Digest.OFF)
    if turned_on and (preferences.digest == Digest.OFF or preferences.digest_since is None):
        preferences.digest_since = timezone.now()
    preferences.language = preferences.language if language is None else language
    preferences.browser_notifications = (
        preferences.browser_notifications if browser_notifications is None else browser_notifications
    )
    preferences.digest = preferences.digest if digest is None else digest
    preferences.save()
    if request is not None:
        remember(request, preferences)
    return preferences


def choose_language(user, *, language: str, request=None) -> Preferences:
    """The user menu's switch: only the language changes."""
    return save_preferences(user, language=language, request=request)


def choose_browser_notifications(user, *, choice: str, request=None) -> Preferences:
    """The answer to the in-page prompt (on or off): remembered, so that the prompt is not shown again."""
    return save_preferences(user, browser_notifications=choice, request=request)


def remember(request, preferences: Preferences) -> None:
    request.session[SESSION_KEY] = {
        "language": preferences.language,
        "notifications": preferences.browser_notifications,
    }


def in_session(request) -> dict:
    """What remember() kept: {"language": ..., "notifications": ...}, empty before login."""
    session = getattr(request, "session", None)
    kept = session.get(SESSION_KEY) if session is not None else None
    return kept if isinstance(kept, dict) else {}


def session_language(request) -> str:
    language = in_session(request).get("language", "")
    return language if language in dict(settings.LANGUAGES) else ""


def session_notifications(request) -> str:
    choice = in_session(request).get("notifications", "")
    return choice if choice in BrowserNotifications.values else ""


def on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: the saved language applies from the first page after login (one query, once)."""
    if request is not None and hasattr(request, "session"):
        remember(request, preferences_of(user))
