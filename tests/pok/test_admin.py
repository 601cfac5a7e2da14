import pytest
from django.urls import reverse

from pok.models import Pok, PokStaff
from tests.factories import make_pok, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "root-pass")
    client.force_login(user)
    return client


def pok_form_data(**overrides):
    data = {
        "active": "on",
        "name": "BOK Sklep",
        "language": "pl",
        "imap_host": "imap.example.com",
        "imap_port": "993",
        "imap_security": "ssl",
        "imap_verify_cert": "on",
        "imap_user": "bok@example.com",
        "imap_password": "imap-pass",
        "imap_folder": "INBOX",
        "max_message_bytes": "26214400",
        "smtp_host": "smtp.example.com",
        "smtp_port": "465",
        "smtp_security": "ssl",
        "smtp_verify_cert": "on",
        "smtp_user": "bok@example.com",
        "smtp_password": "smtp-pass",
        "from_address": "bok@example.com",
        "from_name": "BOK",
        "imap_auth": "password",
        "smtp_auth": "password",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_list_shows_the_spec_columns(admin_client):
    make_pok(name="Sklep PL", imap_user="imap-login", smtp_user="smtp-login")
    page = admin_client.get(reverse("admin:pok_pok_changelist")).content.decode()
    for text in ("Sklep PL", "imap-login", "smtp-login", "Polish", "edit", "delete"):
        assert text in page
    for header in ("ID", "Active", "Name", "Language", "IMAP user", "SMTP user"):
        assert header.lower() in page.lower()


def test_add_pok_through_the_admin(admin_client):
    response = admin_client.post(reverse("admin:pok_pok_add"), pok_form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    pok = Pok.objects.get(name="BOK Sklep")
    assert pok.imap_password.reveal() == "imap-pass"
    assert pok.smtp_password.reveal() == "smtp-pass"


def test_change_page_never_shows_passwords(admin_client):
    pok = make_pok(imap_password="very-secret-imap", smtp_password="very-secret-smtp")
    page = admin_client.get(reverse("admin:pok_pok_change", args=[pok.pk])).content.decode()
    assert "very-secret" not in page
    assert pok.name in page


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"imap_port": "70000"}, "imap_port", "less than or equal to 65535"),
        ({"smtp_port": "0"}, "smtp_port", "greater than or equal to 1"),
        ({"imap_host": ""}, "imap_host", "needs a host"),
        ({"smtp_host": "  "}, "smtp_host", "needs a host"),
        ({"from_address": "not-an-address"}, "from_address", "valid email"),
    ],
)
def test_admin_rejects_bad_values_on_the_field(admin_client, overrides, field, message):
    response = admin_client.post(reverse("admin:pok_pok_add"), pok_form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Pok.objects.exists()


def test_inactive_pok_may_be_incomplete(admin_client):
    data = pok_form_data(imap_host="", smtp_host="")
    data.pop("active")
    assert admin_client.post(reverse("admin:pok_pok_add"), data).status_code == 302


def test_staff_assignment_in_the_admin(admin_client):
    pok = make_pok()
    anna = make_staff("anna")
    response = admin_client.post(reverse("admin:pok_pokstaff_add"), {"pok": pok.pk, "user": anna.pk})
    assert response.status_code == 302
    assert list(pok.staff.all()) == [anna]
    listing = admin_client.get(reverse("admin:pok_pokstaff_changelist")).content.decode()
    assert "anna" in listing
    duplicate = admin_client.post(reverse("admin:pok_pokstaff_add"), {"pok": pok.pk, "user": anna.pk})
    assert duplicate.status_code == 200
    assert PokStaff.objects.count() == 1


def test_assignment_inline_on_the_pok_page(admin_client):
    pok = make_pok()
    anna = make_staff("anna")
    data = pok_form_data(name=pok.name, imap_password="", smtp_password="")
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-user": str(anna.pk), "memberships-0-pok": str(pok.pk)})
    response = admin_client.post(reverse("admin:pok_pok_change", args=[pok.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(pok.staff.all()) == [anna]


def test_anonymous_and_plain_staff_cannot_reach_pok_admin(client):
    url = reverse("admin:pok_pok_changelist")
    assert client.get(url).status_code == 302
    client.force_login(make_staff("plain"))
    assert client.get(url).status_code == 403


def test_admin_links_to_the_crm_and_back(admin_client):
    from django.urls import reverse as url

    admin_page = admin_client.get(url("admin:index")).content.decode()
    assert f'href="{url("overview")}"' in admin_page
    crm_page = admin_client.get(url("overview")).content.decode()
    assert f'href="{url("admin:index")}"' in crm_page
