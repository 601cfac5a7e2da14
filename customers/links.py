"""Links from the CRM into the shop's back office (spec 8.3.2).

The legacy form (PrestaShop 1.7.0 to 1.7.6) is redirected by 1.7.7+ and 8.x to
their Symfony pages, so it works for every version; "symfony" skips the redirect.
Either way PrestaShop asks to confirm an outside link (no admin token): expected.
"""

from django.conf import settings

LEGACY = {
    "order": "index.php?controller=AdminOrders&id_order={id}&vieworder",
    "customer": "index.php?controller=AdminCustomers&id_customer={id}&viewcustomer",
}
SYMFONY = {
    "order": "index.php/sell/orders/{id}/view",
    "customer": "index.php/sell/customers/{id}/view",
}


def order_admin_url(id_order: int) -> str:
    return _admin_url("order", id_order)


def customer_admin_url(id_customer: int) -> str:
    return _admin_url("customer", id_customer)


def _admin_url(kind: str, object_id: int) -> str:
    """The back-office URL, or "" when CRM_SHOP_ADMIN_URL is not set."""
    admin = settings.CRM_SHOP_ADMIN_URL.rstrip("/")
    if not admin:
        return ""
    paths = SYMFONY if settings.CRM_SHOP_ADMIN_URL_STYLE == "symfony" else LEGACY
    return f"{admin}/{paths[kind].format(id=int(object_id))}"
