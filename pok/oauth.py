"""OAuth2 sign-in of a POK's mailbox: providers, the authorization-code flow with PKCE, fresh access tokens.

The protocol work (authorization URL, state check, PKCE, code exchange, refresh, expiry
leeway) is authlib's `OAuth2Session`; this module only says which endpoints and client a
POK uses and where its tokens are kept: encrypted in the POK's row, so that every process
(web, cron) shares one cached access token per POK. Tokens never appear in messages or logs.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.errors import first_line
from pok.models import Pok

GOOGLE_SCOPE = "https://mail.google.com/ openid email"
MICROSOFT_SCOPE = (
    "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access openid email"
)
REFRESH_LEEWAY_SECONDS = 120  # refresh this long before expiry: a sync started just before must not fail
REFUSED_GRANT = "invalid_grant"

# requests, authlib's requests client and joserfc are imported where a token is fetched: every manage.py
# command loads this module (the admin, the IMAP connection) and most never sign in (0.2 s of start-up).
if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session


class OAuthUnavailable(Exception):
    """No access token can be had now; str() is one line, never a token."""


@dataclass(frozen=True)
class Provider:
    authorization_url: str
    token_url: str
    scope: str
    client_id: str
    client_secret: str
    authorize_params: dict = field(default_factory=dict)


def provider_for(pok: Pok) -> Provider:
    kind = pok.oauth_provider
    if kind == "google":
        return Provider(
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://oauth2.googleapis.com/token",
            GOOGLE_SCOPE,
            *_client(pok, "GOOGLE"),
            # offline: a refresh token; consent: a new one also when the account consented before
            authorize_params={"access_type": "offline", "prompt": "consent"},
        )
    if kind == "microsoft":
        tenant = pok.oauth_tenant.strip() or settings.CRM_OAUTH_MICROSOFT_TENANT
        base = f"{settings.CRM_OAUTH_MICROSOFT_AUTHORITY.rstrip('/')}/{tenant}/oauth2/v2.0"
        return Provider(f"{base}/authorize", f"{base}/token", MICROSOFT_SCOPE, *_client(pok, "MICROSOFT"))
    if kind == "generic":
        return Provider(
            pok.oauth_authorization_url,
            pok.oauth_token_url,
            pok.oauth_scope,
            pok.oauth_client_id,
            pok.oauth_client_secret.reveal(),
        )
    raise OAuthUnavailable(_("OAuth2: no provider chosen for this service point"))


def _client(pok: Pok, prefix: str) -> tuple[str, str]:
    if pok.oauth_client_id:
        return pok.oauth_client_id, pok.oauth_client_secret.reveal()
    client_id = getattr(settings, f"CRM_OAUTH_{prefix}_CLIENT_ID")
    if not client_id:
        raise OAuthUnavailable(
            _("OAuth2: CRM_OAUTH_%(prefix)s_CLIENT_ID is not set (set it, or the client ID of the service point)")
            % {"prefix": prefix}
        )
    return client_id, getattr(settings, f"CRM_OAUTH_{prefix}_CLIENT_SECRET")


def _session(provider: Provider, **options) -> "OAuth2Session":
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=provider.scope,
        token_endpoint_auth_method="client_secret_post",
        code_challenge_method="S256",
        default_timeout=settings.CRM_OAUTH_TIMEOUT,
        **options,
    )


def redirect_uri() -> str:
    """The one callback address registered at every provider (docs/oauth2.md)."""
    return settings.CRM_BASE_URL.rstrip("/") + reverse("admin:pok_pok_oauth2_callback")


# --- connecting: the authorization-code flow ---


def start_authorization(pok: Pok) -> tuple[str, dict]:
    """The provider's consent URL, and what the callback needs back (keep it in the user's session)."""
    provider = provider_for(pok)
    verifier = generate_token(64)
    session = _session(provider, redirect_uri=redirect_uri())
    url, state = session.create_authorization_url(
        provider.authorization_url, code_verifier=verifier, **provider.authorize_params
    )
    return url, {"pok": pok.pk, "state": state, "code_verifier": verifier}


def finish_authorization(pok: Pok, pending: dict, response_url: str) -> str:
    """Exchange the callback's code (state checked, PKCE verifier sent); store the tokens; the account address."""
    import requests

    provider = provider_for(pok)
    session = _session(provider, redirect_uri=redirect_uri(), state=pending["state"])
    try:
        token = session.fetch_token(
            provider.token_url, authorization_response=response_url, code_verifier=pending["code_verifier"]
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise OAuthUnavailable(
            _("OAuth2: the provider did not connect the mailbox (%(error)s)") % _why(error)
        ) from None
    if not token.get("refresh_token"):
        raise OAuthUnavailable(_("OAuth2: the provider gave no refresh token (offline access not granted)"))
    account = _account(token) or pok.imap_user or pok.smtp_user
    _store(pok, token, account=account)
    return account


def _account(token: dict) -> str:
    """The signed-in address from the ID token (OpenID Connect).

    Its signature is not checked: it came straight from the token endpoint over TLS, in
    answer to our own code exchange (OpenID Connect Core 3.1.3.7), and only names the account.
    """
    from joserfc import jws
    from joserfc.errors import JoseError

    try:
        claims = json.loads(jws.extract_compact(token["id_token"].encode()).payload)
    except (KeyError, AttributeError, JoseError, ValueError):
        return ""
    return str(claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "")


def disconnect(pok: Pok) -> None:
    Pok.objects.filter(pk=pok.pk).update(
        oauth_account="", oauth_refresh_token="", oauth_access_token="", oauth_token_expires_at=None, oauth_error=""
    )


# --- using: a current access token ---


TOKEN_FIELDS = ["oauth_refresh_token", "oauth_access_token", "oauth_token_expires_at", "oauth_error"]


def access_token(pok: Pok) -> str:
    """A current access token for the POK: the cached one, or a fresh one if it expires soon.

    The POK's row is locked meanwhile (on PostgreSQL), so that processes needing a new token
    at the same moment (cron starts sync_inbox and send_outbox in the same second) refresh it
    once: a provider that rotates refresh tokens may refuse a second use of the old one.
    """
    with transaction.atomic():
        pok.refresh_from_db(fields=TOKEN_FIELDS, from_queryset=Pok.objects.select_for_update())
        try:
            return _fresh_token(pok)
        except AuthlibBaseError as error:
            refused = error
    _refused(pok, refused)


def _fresh_token(pok: Pok) -> str:
    import requests

    if not pok.oauth_refresh_token:
        raise OAuthUnavailable(_("OAuth2: not connected (press Connect on the service point in the admin)"))
    expires = pok.oauth_token_expires_at
    cached = {
        "access_token": pok.oauth_access_token.reveal(),
        "refresh_token": pok.oauth_refresh_token.reveal(),
        "token_type": "Bearer",
        "expires_at": int(expires.timestamp()) if expires else 0,
    }
    provider = provider_for(pok)
    session = _session(
        provider,
        token=cached,
        token_endpoint=provider.token_url,
        leeway=REFRESH_LEEWAY_SECONDS,
        update_token=lambda token, refresh_token=None, access_token=None: _store(pok, token),
    )
    try:
        session.ensure_active_token(session.token)
    except (requests.RequestException, ValueError) as error:
        raise OAuthUnavailable(_("OAuth2: token refresh failed (%(error)s)") % _why(error)) from None
    return session.token["access_token"]


def _refused(pok: Pok, error: AuthlibBaseError):
    if error.error == REFUSED_GRANT:
        line = _("OAuth2 sign-in refused by the provider (consent revoked or password changed): reconnect needed")
    else:
        line = _("OAuth2 token refresh refused (%(error)s): check the client ID and secret") % _why(error)
    Pok.objects.filter(pk=pok.pk).update(oauth_error=line)
    pok.oauth_error = line
    raise OAuthUnavailable(line) from None


def _why(error: Exception) -> dict:
    if isinstance(error, AuthlibBaseError):
        return {"error": " ".join(filter(None, [error.error, error.description]))}
    return {"error": first_line(error)}


def _store(pok: Pok, token: dict, account: str | None = None) -> None:
    expires_at = token.get("expires_at")
    values = {
        "oauth_access_token": token["access_token"],
        "oauth_token_expires_at": datetime.fromtimestamp(expires_at, UTC) if expires_at else None,
        "oauth_error": "",
    }
    if token.get("refresh_token"):  # a provider may rotate it
        values["oauth_refresh_token"] = token["refresh_token"]
    if account is not None:
        values["oauth_account"] = account
    Pok.objects.filter(pk=pok.pk).update(**values)
    pok.refresh_from_db(fields=list(values))


def forget_access_token(pok: Pok) -> None:
    """The server refused the cached access token: the next sign-in fetches a new one."""
    Pok.objects.filter(pk=pok.pk).update(oauth_token_expires_at=None)
