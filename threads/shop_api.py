"""The customer's threads for the PrestaShop module's panel on order and customer pages (read-only)."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from crm.shoplink.api_auth import shop_signed
from crm.templatetags.crm_tags import customer_card_url
from threads.shop_selectors import shop_panel_threads

MAX_EMAIL_LENGTH = 254
EXCERPT_LENGTH = 200


@require_GET
@shop_signed
def customer_threads(request):
    """GET ?email=: the newest threads of that customer e-mail in every POK, with paths into the CRM."""
    email = request.GET.get("email", "").strip().lower()
    if "@" not in email or len(email) > MAX_EMAIL_LENGTH or "\x00" in email:
        return JsonResponse({"error": "email must be one e-mail address"}, status=400)
    threads, total = shop_panel_threads(email)
    return JsonResponse(
        {
            "email": email,
            "total": total,
            "customer_path": customer_card_url(email),
            "threads": [_thread(row) for row in threads],
        }
    )


def _thread(row: dict) -> dict:
    last = row["last_message_at"]
    return {
        "id": row["public_id"],
        "subject": row["subject"],
        "status": row["status"],
        "pok": row["pok__name"],
        "message_count": row["message_count"],
        "last_message_at": last.isoformat() if last else None,
        "last_message": " ".join((row["last_text"] or "").split())[:EXCERPT_LENGTH],
        "last_direction": row["last_direction"] or "",
        "path": reverse("threads:detail", args=[row["public_id"]]),
    }
