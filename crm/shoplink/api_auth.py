"""Read-only endpoints for the PrestaShop module: only requests it signed with the shared secret get through."""

import logging
import time
from functools import wraps

from django.conf import settings
from django.http import JsonResponse

from crm.shoplink.tokens import Reason, Refused, verify_request

logger = logging.getLogger(__name__)


def shop_signed(view):
    """Answers 401 (bad or old signature), 400 (malformed) or 503 (no secret set) in JSON before the view runs."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        try:
            _verify(request)
        except Refused as refused:
            logger.warning("Refused a shop request to %s: %s", request.path, refused)
            return JsonResponse({"error": str(refused)}, status=_STATUS.get(refused.reason, 401))
        return view(request, *args, **kwargs)

    return checked


_STATUS = {Reason.NOT_CONFIGURED: 503, Reason.MALFORMED: 400}


def _verify(request) -> None:
    if not settings.CRM_SHOP_SHARED_SECRETS:
        raise Refused(Reason.NOT_CONFIGURED, "CRM_SHOP_SHARED_SECRET is not set in the CRM")
    verify_request(
        settings.CRM_SHOP_SHARED_SECRETS,
        method=request.method,
        path=request.path,
        query=request.META.get("QUERY_STRING", ""),
        timestamp=request.headers.get("X-Crmlink-Timestamp", ""),
        signature=request.headers.get("X-Crmlink-Signature", "").lower(),
        now=time.time(),
    )
