"""The personal-data page, the report download and the disclosure log, through HTTP with CSRF checks on."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Disclosure
from tests.threads.gdpr.conftest import JAN, ZOFIA, incoming
from tests.threads.gdpr.test_pdf import pdf_text
from threads import services

PERSON = reverse("gdpr:person")


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_post(client: Client, url: str, data: dict):
    """POST as the browser would: with the token of the CSRF cookie set by a page with a form."""
    client.get(PERSON, {"email": JAN})
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_the_page_shows_what_is_held(world):
    response = client_for(world.admin).get(PERSON, {"email": "Jan.Kowalski@example.com"})
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        "Gęś i Syn sp. z o.o.",
        world.jan_thread.token,
        world.zofia_thread.token,
        "Kurier DPD Polska",
        reverse("gdpr:report"),
        reverse("gdpr:erase"),
        "Erase the account in PrestaShop",
    ):
        assert expected in page, expected
    assert "Biuro rachunkowe" not in page
    assert world.grzegorz_thread.token not in page
    assert "no-store" in response["Cache-Control"]


def test_without_an_address_the_page_only_asks_for_one(world):
    response = client_for(world.admin).get(PERSON)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    assert "Kurier" not in response.content.decode()


def test_an_invalid_address_is_said_so(world):
    response = client_for(world.admin).get(PERSON, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid e-mail address." in response.content.decode()


@pytest.mark.parametrize("url", [PERSON, reverse("gdpr:report"), reverse("gdpr:erase")])
def test_staff_without_the_permission_get_403_and_visitors_the_login(world, url):
    assert client_for(world.clerk).get(url, {"email": JAN}).status_code == 403
    response = Client().get(url, {"email": JAN})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_permission_opens_the_page_and_report_but_not_the_erasure(world):
    client = client_for(world.dpo)
    response = client.get(PERSON, {"email": JAN})
    assert response.status_code == 200
    assert reverse("gdpr:erase") not in response.content.decode()
    assert client.get(reverse("gdpr:report"), {"email": JAN}).status_code == 200
    assert client.get(reverse("gdpr:erase"), {"email": JAN}).status_code == 403


def test_the_report_downloads_as_pdf(world):
    response = client_for(world.admin).get(reverse("gdpr:report"), {"email": JAN})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "Gęś i Syn sp. z o.o." in pdf_text(response.content)


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PERSON, {"email": JAN}).status_code == 200
    return len(queries)


def test_the_page_runs_a_fixed_number_of_queries(world):
    client = client_for(world.admin)
    before = _page_queries(client)
    for n in range(3):
        thread = incoming(
            world.pok,
            f"Jan <{JAN}>",
            subject=f"Pytanie {n}",
            attachments=[(f"skan{n}.pdf", b"%PDF-1.4", "application/pdf")],
        ).thread
        services.add_note(thread, author=world.clerk, text=f"notatka {n}")
        Disclosure.objects.create(
            email=JAN, disclosed_on=datetime.date(2026, 1, n + 1), recipient=f"Firma {n}", scope="adres"
        )
    assert _page_queries(client) == before


def test_disclosures_are_added_edited_and_deleted(world):
    client = client_for(world.dpo)
    response = csrf_post(
        client,
        reverse("gdpr:disclosure_add"),
        {
            "email": "JAN.kowalski@example.com",
            "disclosed_on": "2026-05-04",
            "recipient": "Policja, KMP Łódź",
            "scope": "dane kontaktowe i historia zamówień",
        },
    )
    assert response.status_code == 302
    added = Disclosure.objects.get(recipient="Policja, KMP Łódź")
    assert (added.email, added.disclosed_on, added.created_by) == (JAN, datetime.date(2026, 5, 4), world.dpo)

    edit = reverse("gdpr:disclosure_edit", args=[added.pk])
    assert "Policja, KMP Łódź" in client.get(edit).content.decode()
    response = csrf_post(client, edit, {"disclosed_on": "2026-05-05", "recipient": "Prokuratura", "scope": "adres"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.disclosed_on, added.recipient, added.scope, added.email) == (
        datetime.date(2026, 5, 5),
        "Prokuratura",
        "adres",
        JAN,
    )

    delete = reverse("gdpr:disclosure_delete", args=[added.pk])
    assert client.get(delete).status_code == 200
    assert Disclosure.objects.filter(pk=added.pk).exists()  # GET only asks
    assert csrf_post(client, delete, {}).status_code == 302
    assert not Disclosure.objects.filter(pk=added.pk).exists()
    assert Disclosure.objects.filter(email=ZOFIA).count() == 1


def test_an_incomplete_disclosure_is_refused_with_the_errors_shown(world):
    response = csrf_post(
        client_for(world.admin),
        reverse("gdpr:disclosure_add"),
        {"email": JAN, "disclosed_on": "", "recipient": "", "scope": "adres"},
    )
    assert response.status_code == 400
    assert Disclosure.objects.filter(email=JAN).count() == 1
    assert "This field is required." in response.content.decode()


def test_disclosure_posts_need_the_csrf_token(world):
    client = client_for(world.admin)
    disclosure = Disclosure.objects.get(email=JAN)
    posts = [
        (reverse("gdpr:disclosure_add"), {"email": JAN, "disclosed_on": "2026-05-04", "recipient": "X", "scope": "Y"}),
        (
            reverse("gdpr:disclosure_edit", args=[disclosure.pk]),
            {"disclosed_on": "2026-05-04", "recipient": "X", "scope": "Y"},
        ),
        (reverse("gdpr:disclosure_delete", args=[disclosure.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.recipient == "Kurier DPD Polska"
    assert Disclosure.objects.count() == 2


def test_staff_without_the_permission_cannot_touch_the_log(world):
    client = client_for(world.clerk)
    disclosure = Disclosure.objects.get(email=JAN)
    assert client.get(reverse("gdpr:disclosure_edit", args=[disclosure.pk])).status_code == 403
    client.get(reverse("overview"))  # its log-out form sets the CSRF cookie: the 403 below is the permission's
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("gdpr:disclosure_delete", args=[disclosure.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 403 and b"CSRF" not in response.content
    assert Disclosure.objects.filter(pk=disclosure.pk).exists()
