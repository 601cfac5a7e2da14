""" "New thread" from the customer card: the user's POKs offered, the form addressed; bad input is a 400."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pok.models import PokStaff
from tests.factories import make_pok
from tests.threads.ui.mails import receive

CARD = reverse("customer_card")
START = reverse("threads:new_for_customer")


def test_the_card_offers_the_users_poks_starting_on_the_latest_threads(client, pok_a, pok_b, anna):
    PokStaff.objects.create(pok=pok_b, user=anna)
    receive(pok_b, sender="Jan <jan@example.com>")
    client.force_login(anna)
    page = client.get(CARD, {"email": "jan@example.com"}).content.decode()
    form = page[page.index('data-testid="new-thread-for-customer"') :].split("</form>")[0]
    assert 'name="recipient" value="jan@example.com"' in form
    assert f'<option value="{pok_b.pk}" selected>Shop B</option>' in form and f'value="{pok_a.pk}"' in form


def test_one_pok_needs_no_choice(anna_client, pok_a):
    page = anna_client.get(CARD, {"email": "ewa@example.com"}).content.decode()
    form = page[page.index('data-testid="new-thread-for-customer"') :].split("</form>")[0]
    assert f'<input type="hidden" name="pok" value="{pok_a.pk}">' in form and "<select" not in form


def test_starting_goes_to_the_poks_form_addressed(anna_client, pok_a):
    response = anna_client.get(START, {"pok": pok_a.pk, "recipient": "jan@example.com"})
    target = reverse("threads:new", args=[pok_a.pk]) + "?recipient=jan%40example.com"
    assert response.status_code == 302 and response["Location"] == target
    page = anna_client.get(target).content.decode()
    assert 'name="recipient" value="jan@example.com"' in page
    assert f'hx-get="{reverse("search:recipients")}"' in page and 'id="recipient-results"' in page


def test_a_pok_the_user_does_not_work_in_is_404_and_bad_input_400(anna_client, pok_a, pok_b):
    assert anna_client.get(START, {"pok": pok_b.pk, "recipient": "jan@example.com"}).status_code == 404
    for params in (
        {"pok": pok_a.pk, "recipient": "not an address"},
        {"pok": "9" * 40, "recipient": "jan@example.com"},
        {"pok": "x", "recipient": "jan@example.com"},
        {},
    ):
        assert anna_client.get(START, params).status_code == 400, params
    assert anna_client.get(START, {"pok": pok_a.pk, "recipient": "a@b.example\x00"}).status_code == 400
    huge = anna_client.get(reverse("threads:new", args=[pok_a.pk]), {"recipient": "x" * 4000})
    assert huge.status_code == 200 and "x" * 256 not in huge.content.decode()


def test_the_cards_pok_choice_costs_the_same_with_more_poks(anna_client, pok_a, anna, django_assert_max_num_queries):
    receive(pok_a, sender="Jan <jan@example.com>")
    with CaptureQueriesContext(connection) as few:
        anna_client.get(CARD, {"email": "jan@example.com"})
    for n in range(6):
        PokStaff.objects.create(pok=make_pok(name=f"Shop {n}", from_address=f"bok{n}@shop.example"), user=anna)
    with django_assert_max_num_queries(len(few)):
        page = anna_client.get(CARD, {"email": "jan@example.com"}).content.decode()
    assert page.count("<option value=") >= 7
