from customers.links import customer_admin_url, order_admin_url


def test_legacy_links_work_for_every_version(settings):
    settings.CRM_SHOP_ADMIN_URL = "https://shop.example/admin123xyz/"
    settings.CRM_SHOP_ADMIN_URL_STYLE = "legacy"
    assert (
        order_admin_url(42) == "https://shop.example/admin123xyz/index.php?controller=AdminOrders&id_order=42&vieworder"
    )
    assert customer_admin_url(7) == (
        "https://shop.example/admin123xyz/index.php?controller=AdminCustomers&id_customer=7&viewcustomer"
    )


def test_symfony_links_for_prestashop_177_and_8(settings):
    settings.CRM_SHOP_ADMIN_URL = "https://shop.example/admin123xyz"
    settings.CRM_SHOP_ADMIN_URL_STYLE = "symfony"
    assert order_admin_url(42) == "https://shop.example/admin123xyz/index.php/sell/orders/42/view"
    assert customer_admin_url(7) == "https://shop.example/admin123xyz/index.php/sell/customers/7/view"


def test_no_link_without_an_admin_url(settings):
    settings.CRM_SHOP_ADMIN_URL = ""
    assert order_admin_url(42) == "" and customer_admin_url(7) == ""
