import logging

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.shoplink import signin
from crm.shoplink.tokens import Reason, Refused

logger = logging.getLogger(__name__)

MESSAGES = {
    Reason.NOT_CONFIGURED: _("Signing in from the shop is not set up in this CRM (CRM_SHOP_SHARED_SECRET)."),
    Reason.MALFORMED: _("This sign-in link is incomplete or damaged."),
    Reason.FORGED: _("This sign-in link was not signed with the secret shared with the shop."),
    Reason.EXPIRED: _("This sign-in link has expired."),
    Reason.REUSED: _("This sign-in link has already been used."),
    Reason.UNKNOWN_EMAIL: _("No CRM account has your shop e-mail address. Ask the CRM administrator to add you."),
    Reason.INACTIVE: _("Your CRM account is deactivated."),
    Reason.NOT_STAFF: _("Your CRM account is not a staff account."),
    Reason.AMBIGUOUS: _("Several CRM accounts have your e-mail address. Ask the CRM administrator to fix it."),
}
# The link was fine but cannot sign in: opening the CRM from the shop again will not help.
FINAL = {
    Reason.NOT_CONFIGURED,
    Reason.FORGED,
    Reason.UNKNOWN_EMAIL,
    Reason.INACTIVE,
    Reason.NOT_STAFF,
    Reason.AMBIGUOUS,
}


@never_cache
@require_GET
def shop_signin(request):
    """The "CRM" tab of the shop's back office lands here with a single-use token."""
    try:
        user = signin.staff_member_for(request.GET.get("token", ""))
    except Refused as refused:
        logger.warning("Refused a shop sign-in: %s", refused)
        context = {"message": MESSAGES[refused.reason], "try_again": refused.reason not in FINAL}
        status = 400 if refused.reason is Reason.MALFORMED else 403
        return render(request, "crm/shop_signin_refused.html", context, status=status)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(_next(request))


def _next(request) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "overview"
