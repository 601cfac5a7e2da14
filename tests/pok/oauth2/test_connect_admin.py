"""The connect views of the admin (state check, refusals, permissions) and the provider settings."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pok import oauth
from pok.models import Pok
from tests.factories import make_pok, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    client.force_login(make_staff("root", superuser=True))
    return client


@pytest.fixture
def generic_pok(oauth2_server, oauth2_client):
    return make_pok(name="Generic", imap_auth="oauth2", **oauth2_server.provider_fields(oauth2_client, "mail offline"))


def connect(client, pok) -> dict:
    response = client.get(reverse("admin:pok_pok_oauth2_connect", args=[pok.pk]))
    assert response.status_code == 302
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def test_connect_sends_state_and_pkce_to_the_provider(root, generic_pok, settings):
    query = connect(root, generic_pok)
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43 and query["state"]
    assert query["redirect_uri"] == settings.CRM_BASE_URL.rstrip("/") + "/admin/pok/pok/oauth2/callback/"
    assert query["scope"] == "mail offline"


def test_a_callback_with_another_state_is_refused(root, generic_pok, oauth2_server):
    query = connect(root, generic_pok)
    response = root.get(
        reverse("admin:pok_pok_oauth2_callback"), {"state": query["state"] + "x", "code": "stolen"}, follow=True
    )
    assert "state check" in response.content.decode()
    generic_pok.refresh_from_db()
    assert not generic_pok.oauth_refresh_token
    assert not any(r["client_id"] == generic_pok.oauth_client_id for r in oauth2_server.token_requests)


def test_a_callback_without_state_answers_with_a_message(root):
    response = root.get(reverse("admin:pok_pok_oauth2_callback"), {}, follow=True)
    assert response.status_code == 200
    assert "state check" in response.content.decode()


@pytest.mark.parametrize("query", [{"state": "\x00" * 5000}, {"state": "", "error": "x" * 10_000}])
def test_nul_or_huge_callback_parameters_are_a_bad_request(root, query):
    # The bad-input middleware (crm.middleware) answers before the view.
    assert root.get(reverse("admin:pok_pok_oauth2_callback"), query).status_code == 400


def test_a_wrong_code_is_a_clear_error(root, generic_pok):
    query = connect(root, generic_pok)
    response = root.get(
        reverse("admin:pok_pok_oauth2_callback"), {"state": query["state"], "code": "made-up"}, follow=True
    )
    assert "did not connect the mailbox (invalid_grant)" in response.content.decode()
    # One answer per sign-in: the same state does not work twice.
    again = root.get(reverse("admin:pok_pok_oauth2_callback"), {"state": query["state"], "code": "x"}, follow=True)
    assert "state check" in again.content.decode()


def test_staff_without_change_permission_cannot_connect(client, generic_pok):
    staff = make_staff("anna", generic_pok)
    client.force_login(staff)
    response = client.get(reverse("admin:pok_pok_oauth2_connect", args=[generic_pok.pk]))
    assert response.status_code in (302, 403)
    assert not response.get("Location", "").startswith("http://127.0.0.1:")


def test_unknown_pok_is_404(root):
    assert root.get(reverse("admin:pok_pok_oauth2_connect", args=[987654])).status_code == 404
    assert root.get(f"/admin/pok/pok/{2**70}/oauth2/connect/").status_code == 404


def test_disconnect_asks_first_then_forgets_the_tokens(root, generic_pok):
    Pok.objects.filter(pk=generic_pok.pk).update(
        oauth_refresh_token="r-token", oauth_access_token="a-token", oauth_account="bok@shop.example"
    )
    url = reverse("admin:pok_pok_oauth2_disconnect", args=[generic_pok.pk])
    assert "bok@shop.example" in root.get(url).content.decode()
    generic_pok.refresh_from_db()
    assert generic_pok.oauth_refresh_token
    root.post(url)
    generic_pok.refresh_from_db()
    assert not generic_pok.oauth_refresh_token and not generic_pok.oauth_access_token and not generic_pok.oauth_account


def test_missing_client_id_names_the_setting(root, settings):
    settings.CRM_OAUTH_GOOGLE_CLIENT_ID = ""
    pok = make_pok(name="Gmail", imap_auth="oauth2", oauth_provider="google")
    response = root.get(reverse("admin:pok_pok_oauth2_connect", args=[pok.pk]), follow=True)
    assert "CRM_OAUTH_GOOGLE_CLIENT_ID is not set" in response.content.decode()


def test_google_and_microsoft_endpoints(settings):
    settings.CRM_OAUTH_GOOGLE_CLIENT_ID, settings.CRM_OAUTH_GOOGLE_CLIENT_SECRET = "g-id", "g-secret"
    settings.CRM_OAUTH_MICROSOFT_CLIENT_ID, settings.CRM_OAUTH_MICROSOFT_TENANT = "m-id", "common"
    google = oauth.provider_for(make_pok(name="G", oauth_provider="google"))
    assert google.authorization_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert google.token_url == "https://oauth2.googleapis.com/token"
    assert "https://mail.google.com/" in google.scope.split()
    assert (google.client_id, google.client_secret) == ("g-id", "g-secret")
    assert google.authorize_params == {"access_type": "offline", "prompt": "consent"}

    personal_and_work = oauth.provider_for(make_pok(name="M", oauth_provider="microsoft"))
    assert personal_and_work.authorization_url == "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
    assert personal_and_work.token_url == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert {
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    } <= set(personal_and_work.scope.split())
    own = make_pok(name="T", oauth_provider="microsoft", oauth_tenant="contoso.onmicrosoft.com", oauth_client_id="own")
    provider = oauth.provider_for(own)
    assert provider.token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert provider.client_id == "own"


def test_oauth2_settings_are_validated():
    pok = make_pok(name="V", smtp_auth="oauth2")
    with pytest.raises(ValidationError) as raised:
        pok.full_clean()
    assert "oauth_provider" in raised.value.message_dict
    pok.oauth_provider = "generic"
    with pytest.raises(ValidationError) as raised:
        pok.full_clean()
    assert {"oauth_authorization_url", "oauth_token_url", "oauth_scope", "oauth_client_id"} <= set(
        raised.value.message_dict
    )


def test_the_client_secret_is_write_only_in_the_admin(root):
    from tests.pok.test_admin import pok_form_data

    oauth_fields = {
        "imap_auth": "oauth2",
        "smtp_auth": "oauth2",
        "oauth_provider": "generic",
        "oauth_authorization_url": "https://idp.example/authorize",
        "oauth_token_url": "https://idp.example/token",
        "oauth_scope": "mail offline_access",
        "oauth_client_id": "crm",
        "oauth_client_secret": "very-secret-client",
    }
    response = root.post(reverse("admin:pok_pok_add"), pok_form_data(**oauth_fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    pok = Pok.objects.get(name="BOK Sklep")
    assert pok.oauth_client_secret.reveal() == "very-secret-client"
    page = root.get(reverse("admin:pok_pok_change", args=[pok.pk])).content.decode()
    assert "very-secret-client" not in page and 'id="oauth2-connect"' in page
    root.post(
        reverse("admin:pok_pok_change", args=[pok.pk]), pok_form_data(**(oauth_fields | {"oauth_client_secret": ""}))
    )
    pok.refresh_from_db()
    assert pok.oauth_client_secret.reveal() == "very-secret-client"


def test_google_without_any_client_id_names_the_setting(settings):
    settings.CRM_OAUTH_GOOGLE_CLIENT_ID = ""
    pok = make_pok(name="G", imap_auth="oauth2", oauth_provider="google")
    with pytest.raises(ValidationError) as raised:
        pok.full_clean()
    assert "CRM_OAUTH_GOOGLE_CLIENT_ID" in raised.value.message_dict["oauth_client_id"][0]
    settings.CRM_OAUTH_GOOGLE_CLIENT_ID = "from-the-environment"
    pok.full_clean()
