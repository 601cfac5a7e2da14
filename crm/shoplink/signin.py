"""Who a verified shop sign-in token logs in; each token once.

The token's nonce is stored with its expiry in one INSERT: a second use hits
the unique index, whatever the timing. Rows are purged once their token would
be refused as expired anyway, so the table holds a few minutes of sign-ins.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.models import UsedSigninNonce
from crm.shoplink.tokens import CLOCK_LEEWAY_SECONDS, Reason, Refused, SigninClaims, verify_signin_token
from crm.staff import new_staff_account

logger = logging.getLogger(__name__)


def staff_member_for(token: str, *, now: datetime.datetime | None = None):
    """The active staff account the token signs in, or Refused with the reason."""
    now = now or timezone.now()
    if not settings.CRM_SHOP_SHARED_SECRETS:
        raise Refused(Reason.NOT_CONFIGURED, "CRM_SHOP_SHARED_SECRET is not set")
    claims = verify_signin_token(token, settings.CRM_SHOP_SHARED_SECRETS, now.timestamp())
    _use_nonce(claims, now)
    user = _account(claims.email)
    logger.info("Shop sign-in of %s (user id %s) from %s", claims.email, user.pk, claims.shop or "the shop")
    return user


def _use_nonce(claims: SigninClaims, now: datetime.datetime) -> None:
    UsedSigninNonce.objects.filter(expires_at__lt=now - datetime.timedelta(seconds=CLOCK_LEEWAY_SECONDS)).delete()
    expires_at = datetime.datetime.fromtimestamp(claims.expires, tz=datetime.UTC)
    try:
        with transaction.atomic():
            UsedSigninNonce.objects.create(nonce=claims.nonce, shop=claims.shop, expires_at=expires_at)
    except IntegrityError:
        raise Refused(Reason.REUSED, f"nonce {claims.nonce} was used before") from None


def _account(email: str):
    matching = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if len(matching) > 1:
        raise Refused(Reason.AMBIGUOUS, f"several accounts have the e-mail {email}")
    if not matching:
        if not settings.CRM_SHOP_SIGNIN_CREATE_USERS:
            raise Refused(Reason.UNKNOWN_EMAIL, f"no account has the e-mail {email}")
        return _create_staff(email)
    user = matching[0]
    if not user.is_active:
        raise Refused(Reason.INACTIVE, f"the account of {email} is deactivated")
    if not user.is_staff:
        raise Refused(Reason.NOT_STAFF, f"the account of {email} is not a staff account")
    return user


def _create_staff(email: str):
    user = new_staff_account(email)
    if user is None:
        raise Refused(Reason.UNKNOWN_EMAIL, f"cannot make an account for {email}: user name taken or too long")
    logger.info("Shop sign-in created the staff account %s", user.username)
    return user
