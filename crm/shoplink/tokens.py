"""Sign-in tokens and signed requests of the PrestaShop module, verified with the shared secret(s).

Sign-in token, made by `CrmLinkToken::signin()` in the module:
    base64url(JSON {"v": 1, "email", "shop", "exp", "nonce"}) "." base64url(HMAC-SHA256)
The MAC is over "crmlink.signin.v1." followed by the encoded payload, so the
bytes verified are the bytes sent (no JSON canonicalisation on either side).

Signed request, made by `CrmLinkToken::signRequest()`: headers X-Crmlink-Timestamp
(Unix seconds) and X-Crmlink-Signature (hex HMAC-SHA256 over "crmlink.api.v1",
the method, the path, the raw query string and the timestamp, joined by newlines).

The purposes differ, so a request signature can never pass for a token. Every
configured secret is tried (rotation) and every comparison is constant-time.
Pure functions: no database, no settings.
"""

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from enum import Enum

SIGNIN_PURPOSE = "crmlink.signin.v1."
API_PURPOSE = "crmlink.api.v1"
TOKEN_VERSION = 1
MAX_TOKEN_LENGTH = 2048
# Clocks of the shop and the CRM differ a little; NTP keeps them within seconds.
CLOCK_LEEWAY_SECONDS = 30
# A token the module makes lives 60 s; one claiming a much longer life is refused.
MAX_TOKEN_LIFETIME_SECONDS = 600
REQUEST_MAX_AGE_SECONDS = 300
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{43}")
NONCE_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
HEX_SIGNATURE = re.compile(r"[0-9a-f]{64}")
MAX_EMAIL_LENGTH = 254
MAX_SHOP_LENGTH = 255


class Reason(Enum):
    NOT_CONFIGURED = "not_configured"
    MALFORMED = "malformed"
    FORGED = "forged"
    EXPIRED = "expired"
    REUSED = "reused"
    UNKNOWN_EMAIL = "unknown_email"
    INACTIVE = "inactive"
    NOT_STAFF = "not_staff"
    AMBIGUOUS = "ambiguous"


class Refused(Exception):
    def __init__(self, reason: Reason, detail: str = ""):
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason


@dataclass(frozen=True)
class SigninClaims:
    email: str
    shop: str
    expires: int
    nonce: str


def verify_signin_token(token: str, secrets: tuple[str, ...], now: float) -> SigninClaims:
    """The token's claims, or Refused (MALFORMED, FORGED, EXPIRED): signature first, then content."""
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN_SHAPE.fullmatch(token):
        raise Refused(Reason.MALFORMED, "not a sign-in token")
    payload, signature = token.split(".")
    if not _matches_any(secrets, (SIGNIN_PURPOSE + payload).encode(), _unbase64(signature)):
        raise Refused(Reason.FORGED, "signature does not match any shared secret")
    claims = _claims(_unbase64(payload))
    if now > claims.expires + CLOCK_LEEWAY_SECONDS:
        raise Refused(Reason.EXPIRED, f"expired {int(now) - claims.expires} s ago")
    if claims.expires > now + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_LEEWAY_SECONDS:
        raise Refused(Reason.MALFORMED, "expiry too far in the future")
    return claims


def verify_request(
    secrets: tuple[str, ...], *, method: str, path: str, query: str, timestamp: str, signature: str, now: float
) -> None:
    """Refused (MALFORMED, FORGED, EXPIRED) unless the request was signed by the module a moment ago."""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        raise Refused(Reason.MALFORMED, "X-Crmlink-Timestamp must be Unix seconds")
    if not HEX_SIGNATURE.fullmatch(signature):
        raise Refused(Reason.MALFORMED, "X-Crmlink-Signature must be 64 hex digits")
    message = "\n".join([API_PURPOSE, method, path, query, timestamp]).encode()
    if not _matches_any(secrets, message, bytes.fromhex(signature)):
        raise Refused(Reason.FORGED, "signature does not match any shared secret")
    if abs(now - int(timestamp)) > REQUEST_MAX_AGE_SECONDS:
        raise Refused(Reason.EXPIRED, f"timestamp {int(now) - int(timestamp)} s off")


def _matches_any(secrets: tuple[str, ...], message: bytes, signature: bytes) -> bool:
    # Every secret is tried, so the time taken does not tell which one (if any) matched.
    results = [hmac.compare_digest(_mac(secret, message), signature) for secret in secrets]
    return any(results)


def _mac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def _unbase64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise Refused(Reason.MALFORMED, "not base64url") from None


def _claims(payload: bytes) -> SigninClaims:
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        raise Refused(Reason.MALFORMED, "payload is not JSON") from None
    if not isinstance(data, dict) or data.get("v") != TOKEN_VERSION:
        raise Refused(Reason.MALFORMED, "unknown token version")
    email, shop, expires, nonce = (data.get(key) for key in ("email", "shop", "exp", "nonce"))
    if not isinstance(email, str) or "@" not in email or len(email) > MAX_EMAIL_LENGTH or "\x00" in email:
        raise Refused(Reason.MALFORMED, "no e-mail address")
    if not isinstance(shop, str) or len(shop) > MAX_SHOP_LENGTH:
        raise Refused(Reason.MALFORMED, "no shop")
    if not isinstance(expires, int) or isinstance(expires, bool) or not 0 < expires < 2**40:
        raise Refused(Reason.MALFORMED, "no expiry")
    if not isinstance(nonce, str) or not NONCE_SHAPE.fullmatch(nonce):
        raise Refused(Reason.MALFORMED, "no nonce")
    return SigninClaims(email=email.strip(), shop=shop, expires=expires, nonce=nonce)
