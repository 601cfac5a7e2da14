"""The customer card page (spec 8): threads, shop customers with their orders, BaseLinker search."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Carrier, OrderStateLang
from tests.factories import make_pok, make_staff
from tests.threads.card.shop import AWAITING_WIRE, make_customer, make_order, make_thread

EMAIL = "jan.kowalski@example.com"


def card(client, email=EMAIL, language="en", **params):
    return client.get(reverse("customer_card"), {"email": email, **params}, HTTP_ACCEPT_LANGUAGE=language)


def links(html, css_class):
    """{text: href} of the <a> elements with this class."""
    pattern = rf'<a[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*href="([^"]*)"[^>]*>([^<]*)</a>'
    found = {unescape(text).strip(): unescape(href) for href, text in re.findall(pattern, html)}
    pattern_href_first = rf'<a[^>]*href="([^"]*)"[^>]*class="[^"]*\b{css_class}\b[^"]*"[^>]*>([^<]*)</a>'
    found.update({unescape(text).strip(): unescape(href) for href, text in re.findall(pattern_href_first, html)})
    return found


@pytest.fixture
def staff(pok, client):
    user = make_staff("anna", pok)
    client.force_login(user)
    return user


@pytest.fixture
def shared_email(settings):
    """An account and a guest checkout with one e-mail written in two cases, each with orders."""
    settings.CRM_SHOP_ADMIN_URL = "https://shop.example/admin123/"
    account = make_customer("Jan.Kowalski@Example.com", company="Gęś i Syn")
    guest = make_customer(EMAIL, firstname="Janek", is_guest=True)
    return {
        "account": account,
        "guest": guest,
        "shipped": make_order(account, reference="SHIPPEDAA", products=5, tracking="AB 12/34"),
        "older": make_order(
            account, days=-10, reference="OLDERBBBB", products=2, tracking="", shipping_number="LEGACY-1"
        ),
        "guest_order": make_order(guest, days=5, reference="GUESTCCCC", state=AWAITING_WIRE, total="99.90"),
    }


def test_account_and_guest_are_both_shown_with_their_orders(client, staff, shared_email):
    html = card(client).content.decode()
    assert "Jan" in html and "Janek" in html
    assert "guest checkout" in html and "account" in html
    for reference in ("SHIPPEDAA", "OLDERBBBB", "GUESTCCCC"):
        assert reference in html
    account_part = html[
        html.index(f'id="customer-{shared_email["account"].pk}"') : html.index(
            f'id="customer-{shared_email["guest"].pk}"'
        )
    ]
    assert "SHIPPEDAA" in account_part and "GUESTCCCC" not in account_part
    # Newest first within a customer.
    assert account_part.index("SHIPPEDAA") < account_part.index("OLDERBBBB")


def test_products_show_the_first_three_and_how_many_more(client, staff, shared_email):
    html = card(client).content.decode()
    order = html[html.index(f'id="order-{shared_email["shipped"].pk}"') :]
    order = order[: order.index("</tr>")]
    assert "Produkt 1" in order and "Produkt 3" in order and "Produkt 4" not in order
    assert "+2 more" in order
    older = html[html.index(f'id="order-{shared_email["older"].pk}"') :]
    older = older[: older.index("</tr>")]
    assert "Produkt 2" in older and "more" not in older


def test_status_in_the_page_language_with_the_state_colour(client, staff, shared_email):
    english = card(client, language="en").content.decode()
    polish = card(client, language="pl").content.decode()
    assert "Shipped" in english and "Wysłane" not in english
    assert "Wysłane" in polish and "Shipped" not in polish
    assert "Oczekiwanie na płatność przelewem" in polish
    assert "background-color: #8A2BE2; color: #ffffff" in english
    # Paid flag from the current state: shipped is paid, awaiting bank wire is not.
    assert "not paid" in english and "123.45 PLN" in english and "99.90 PLN" in english


def test_status_falls_back_to_another_language(client, staff, shared_email):
    OrderStateLang.objects.filter(order_state_id=AWAITING_WIRE, lang_id=2).delete()
    english = card(client, language="en").content.decode()
    assert "Oczekiwanie na płatność przelewem" in english


def test_tracking_link_is_the_carrier_pattern_with_the_encoded_number(client, staff, shared_email):
    html = card(client).content.decode()
    tracking = links(html, "tracking-link")
    assert tracking["AB 12/34"] == "https://inpost.pl/sledzenie-przesylek?number=AB%2012%2F34"
    # No tracking number on the order's carrier row: the deprecated ps_orders.shipping_number is used.
    assert tracking["LEGACY-1"] == "https://inpost.pl/sledzenie-przesylek?number=LEGACY-1"
    assert 'target="_blank" rel="noopener noreferrer">AB 12/34' in html


def test_order_and_customer_link_to_the_shop_back_office(client, staff, shared_email):
    html = card(client).content.decode()
    orders = links(html, "order-reference")
    shipped = shared_email["shipped"].pk
    assert (
        orders["SHIPPEDAA"]
        == f"https://shop.example/admin123/index.php?controller=AdminOrders&id_order={shipped}&vieworder"
    )
    account = shared_email["account"].pk
    assert f"index.php?controller=AdminCustomers&amp;id_customer={account}&amp;viewcustomer" in html


def test_delivery_address_and_carrier_panels(client, staff, shared_email):
    html = card(client, language="pl").content.decode()
    address = html[html.index('class="delivery-address"') :]
    address = address[: address.index("</address>")]
    assert "ul. Piotrkowska 12" in address and "90-001 Łódź" in address and "Polska" in address
    assert "InPost Paczkomaty 24/7" in html


def test_carrier_named_0_is_the_shop_and_unsafe_patterns_give_no_link(client, staff, shared_email, settings):
    settings.CRM_SHOP_NAME = "Sklep Gęś"
    Carrier.objects.create(id_carrier=50, name="0", url="javascript:alert(1)//@")
    make_order(shared_email["guest"], days=7, reference="OWNCARRIE", carrier=50, tracking="777")
    html = card(client).content.decode()
    row = html[html.index("OWNCARRIE") :]
    row = row[: row.index("</tr>")]
    assert "Sklep Gęś" in row and "777" in row
    assert "javascript:" not in html


def test_many_orders_show_the_newest_twenty_and_a_show_all_link(client, staff):
    customer = make_customer("busy@example.com")
    for day in range(25):
        make_order(customer, days=day, reference=f"ORDER{day:04d}")
    html = card(client, email="busy@example.com").content.decode()
    assert "ORDER0024" in html and "ORDER0005" in html and "ORDER0004" not in html
    assert "Showing the newest 20 of 25 orders." in html
    show_all = re.search(r'class="show-all-orders" href="([^"]+)"', html).group(1)
    everything = client.get(unescape(show_all)).content.decode()
    assert "ORDER0000" in everything and "Showing the newest" not in everything


def test_unknown_email_shows_no_customer(client, staff):
    html = card(client, email="nobody@example.com").content.decode()
    assert "No shop customer has this e-mail address." in html


def test_threads_of_the_email_in_visible_poks_only(client, staff, pok, shared_email):
    mine = make_thread(pok, EMAIL, subject="Gdzie moja paczka?")
    other_pok = make_pok(name="Hurt")
    make_thread(other_pok, EMAIL, subject="Faktura dla hurtu")
    make_thread(pok, "someone.else@example.com", subject="Inny klient")
    html = card(client, email="Jan.Kowalski@EXAMPLE.com").content.decode()
    assert "Gdzie moja paczka?" in html and mine.token in html
    assert "Faktura dla hurtu" not in html and "Inny klient" not in html
    assert "Test POK" in html
    assert reverse("threads:detail", args=[mine.public_id]) in html


def test_superuser_sees_threads_of_every_pok(client, pok, shared_email):
    client.force_login(make_staff("boss", superuser=True))
    make_thread(make_pok(name="Hurt"), EMAIL, subject="Faktura dla hurtu")
    assert "Faktura dla hurtu" in card(client).content.decode()


def test_baselinker_buttons_for_emails_logins_and_names(client, staff, pok, settings):
    settings.CRM_BASELINKER_SEARCH_URL = "https://panel.baselinker.com/orders.php#search:{query}"
    make_thread(
        pok,
        EMAIL,
        subject="Allegro: nowa wiadomość od użytkownika jan_k-1990 w sprawie oferty",
        from_name="Jan Kowalski",
    )
    make_thread(
        pok,
        EMAIL,
        subject="Re: Kupujący: jan_k-1990",
        from_name="jan kowalski",
        from_address="JAN.KOWALSKI@example.com",
    )
    make_thread(pok, EMAIL, subject="Zwrot", from_name="Jan K. & Syn", from_address="jan@firma.example")
    html = card(client).content.decode()
    buttons = links(html, "baselinker-search")
    assert buttons == {
        EMAIL: "https://panel.baselinker.com/orders.php#search:jan.kowalski%40example.com",
        "jan@firma.example": "https://panel.baselinker.com/orders.php#search:jan%40firma.example",
        "jan_k-1990": "https://panel.baselinker.com/orders.php#search:jan_k-1990",
        "Jan Kowalski": "https://panel.baselinker.com/orders.php#search:Jan%20Kowalski",
        "Jan K. & Syn": "https://panel.baselinker.com/orders.php#search:Jan%20K.%20%26%20Syn",
    }
    assert html.count('target="_blank" rel="noopener" title=') == 5


def test_names_from_the_shop_and_the_mail_are_escaped(client, staff, pok):
    evil = '<script>alert("x")</script>'
    customer = make_customer(EMAIL, firstname=evil, company='<img src=x onerror="alert(1)">')
    order = make_order(customer, reference="<i>R</i>")
    order.details.update(product_name='<iframe src="javascript:alert(2)">')
    make_thread(pok, EMAIL, subject=f"Temat {evil}", from_name=f"Imię {evil}")
    html = card(client).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<iframe" not in html
    assert "<i>R" not in html and "&lt;i&gt;R&lt;/i&gt;" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;iframe" in html


def test_anonymous_goes_to_login(client):
    response = card(client)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_non_staff_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("customer", password="x"))
    assert card(client).status_code == 403


def test_staff_without_threads_of_the_email_still_sees_the_shop_customer(client, pok, shared_email):
    client.force_login(make_staff("newcomer"))
    html = card(client).content.decode()
    assert "SHIPPEDAA" in html and "No threads with this e-mail address" in html


def test_missing_email_is_404(client, staff):
    assert client.get(reverse("customer_card")).status_code == 404


def queries_for_card(client, email):
    with CaptureQueriesContext(connection) as captured:
        response = card(client, email=email)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_orders(client, staff, pok, django_assert_max_num_queries):
    few = make_customer("few@example.com")
    make_order(few, products=1)
    make_thread(pok, "few@example.com")
    many = make_customer("many@example.com")
    for day in range(30):
        make_order(many, days=day, products=4, tracking=f"T{day}")
    for n in range(3):
        make_thread(pok, "many@example.com", subject=f"Wątek {n}")
    baseline = queries_for_card(client, "few@example.com")
    with django_assert_max_num_queries(baseline):
        card(client, email="many@example.com")
    with django_assert_max_num_queries(baseline):
        card(client, email="many@example.com", all="1")


def test_query_count_does_not_grow_with_customers(client, staff, django_assert_max_num_queries):
    make_order(make_customer("one@example.com"))
    for n in range(3):
        make_order(make_customer("three@example.com", firstname=f"Jan{n}", is_guest=n > 0), products=5)
    baseline = queries_for_card(client, "one@example.com")
    with django_assert_max_num_queries(baseline):
        card(client, email="three@example.com")
