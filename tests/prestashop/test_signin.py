"""Sign-in from the shop: tokens made by the module's PHP (php-cli), verified by the CRM."""

import base64
import datetime
import json
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from crm.models import UsedSigninNonce
from tests.factories import make_pok, make_staff
from tests.prestashop.conftest import SECRET

pytestmark = pytest.mark.django_db
CRM = "https://crm.example"
SHOP = "shop.example"


@pytest.fixture
def ewa(shared_secret):
    user = make_staff("ewa", make_pok())
    user.email = "Ewa@Shop.example"
    user.save()
    return user


def signin_path(php, email="ewa@shop.example", secret=SECRET, now=None, lifetime=60, next_path=""):
    token = php.run("signin", secret, email, SHOP, int(now if now is not None else time.time()), lifetime)
    url = urlsplit(php.run("signin-url", CRM, token, next_path))
    return f"{url.path}?{url.query}"


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_refused(response, status, text):
    assert response.status_code == status
    assert text in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_valid_token_logs_in_the_staff_member_and_opens_the_overview(client, php, ewa):
    response = client.get(signin_path(php))
    assert response.status_code == 302
    assert response.url == reverse("overview")
    assert signed_in_user_id(client) == str(ewa.pk)
    assert client.get(reverse("overview")).status_code == 200


def test_the_module_url_goes_to_the_signin_route(php, shared_secret):
    assert urlsplit(php.run("signin-url", CRM + "/", "TOKEN")).path == reverse("shop_signin")


def test_next_opens_a_crm_page_but_never_another_site(client, php, ewa):
    response = client.get(signin_path(php, next_path="/customer/?email=jan%40example.com"))
    assert response.url == "/customer/?email=jan%40example.com"
    client.logout()
    # The module drops a //host "path"; a hand-made next to another site is ignored by the CRM.
    assert "next" not in signin_path(php, next_path="//evil.example/")
    response = client.get(signin_path(php) + "&next=https%3A%2F%2Fevil.example%2F")
    assert response.url == reverse("overview")


def test_expired_token_is_refused(client, php, ewa):
    response = client.get(signin_path(php, now=time.time() - 200))
    assert_refused(response, 403, "This sign-in link has expired.")
    assert "Open the CRM again from the Customer Service menu" in response.content.decode()


def test_token_claiming_a_long_life_is_refused(client, php, ewa):
    assert_refused(client.get(signin_path(php, lifetime=3600)), 400, "incomplete or damaged")


def test_reused_token_is_refused(client, php, ewa):
    path = signin_path(php)
    assert client.get(path).status_code == 302
    client.logout()
    assert_refused(client.get(path), 403, "This sign-in link has already been used.")


def test_token_signed_with_another_secret_is_refused(client, php, ewa):
    path = signin_path(php, secret="another-secret-0123456789-abcdefghijklmn")
    assert_refused(client.get(path), 403, "not signed with the secret shared with the shop")


def test_token_with_a_changed_payload_is_refused(client, php, ewa):
    get_user_model().objects.create_user("boss", email="boss@shop.example", is_staff=True, is_superuser=True)
    token = signin_path(php).split("token=")[1]
    payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "boss@shop.example"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    response = client.get(reverse("shop_signin"), {"token": f"{forged}.{signature}"})
    assert_refused(response, 403, "not signed with the secret shared with the shop")


def test_unknown_email_is_refused_and_no_account_is_created(client, php, ewa):
    response = client.get(signin_path(php, email="nowy@shop.example"))
    assert_refused(response, 403, "No CRM account has your shop e-mail address.")
    assert not get_user_model().objects.filter(email__iexact="nowy@shop.example").exists()


def test_unknown_email_creates_a_staff_account_when_the_setting_says_so(client, php, ewa, settings):
    settings.CRM_SHOP_SIGNIN_CREATE_USERS = True
    response = client.get(signin_path(php, email="Nowy@Shop.example"))
    assert response.status_code == 302
    created = get_user_model().objects.get(email="nowy@shop.example")
    assert created.is_staff and created.is_active and not created.is_superuser
    assert not created.has_usable_password()
    assert signed_in_user_id(client) == str(created.pk)


def test_inactive_user_is_refused(client, php, ewa, settings):
    settings.CRM_SHOP_SIGNIN_CREATE_USERS = True  # an inactive account is never replaced by a new one
    ewa.is_active = False
    ewa.save()
    assert_refused(client.get(signin_path(php)), 403, "Your CRM account is deactivated.")
    assert get_user_model().objects.filter(email__iexact="ewa@shop.example").count() == 1


def test_user_without_staff_status_is_refused(client, php, ewa):
    get_user_model().objects.filter(pk=ewa.pk).update(is_staff=False)
    assert_refused(client.get(signin_path(php)), 403, "not a staff account")


def test_two_accounts_with_the_email_are_refused(client, php, ewa):
    get_user_model().objects.create_user("ewa2", email="ewa@shop.example", is_staff=True)
    assert_refused(client.get(signin_path(php)), 403, "Several CRM accounts have your e-mail address.")


def test_rotation_accepts_the_new_and_the_old_secret(client, php, ewa, settings):
    new = "new-secret-0123456789-abcdefghijklmnopqrs"
    settings.CRM_SHOP_SHARED_SECRETS = (new, SECRET)
    assert client.get(signin_path(php, secret=SECRET)).status_code == 302
    client.logout()
    assert client.get(signin_path(php, secret=new)).status_code == 302
    settings.CRM_SHOP_SHARED_SECRETS = (new,)
    client.logout()
    assert_refused(client.get(signin_path(php, secret=SECRET)), 403, "not signed")


def test_without_a_shared_secret_signing_in_from_the_shop_is_off(client, php, ewa, settings):
    settings.CRM_SHOP_SHARED_SECRETS = ()
    assert_refused(client.get(signin_path(php)), 403, "not set up in this CRM")


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "%" * 2000, "A" * 10 + "." + "B" * 42])
def test_malformed_tokens_answer_400_with_the_page(client, ewa, token):
    assert_refused(client.get(reverse("shop_signin"), {"token": token}), 400, "incomplete or damaged")


@pytest.mark.parametrize("token", ["x\x00y.z", "%" * 5000])
def test_nul_or_huge_tokens_are_a_bad_request(client, ewa, token):
    # The bad-input middleware (crm.middleware) answers before the sign-in view.
    assert client.get(reverse("shop_signin"), {"token": token}).status_code == 400


def test_refusal_page_is_polish_for_polish_staff(client, php, ewa):
    response = client.get(signin_path(php, now=time.time() - 200), HTTP_ACCEPT_LANGUAGE="pl")
    assert "Ten link logowania wygasł." in response.content.decode()


def test_used_nonces_are_kept_until_expiry_and_then_purged(client, php, ewa):
    stale = UsedSigninNonce.objects.create(
        nonce="a" * 32, shop=SHOP, expires_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert client.get(signin_path(php)).status_code == 302
    kept = UsedSigninNonce.objects.get()
    assert kept.pk != stale.pk and kept.shop == SHOP
    assert kept.expires_at > timezone.now()
