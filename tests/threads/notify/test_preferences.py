"""Preferences per staff member: the page, the user menu's language switch (applied to every page, kept over
logging out and in, the browser's language until chosen) and the notification prompt's answer."""

import pytest
from django.urls import reverse

from crm.models import Preferences
from tests.factories import make_pok, make_staff

POLISH = "pl-PL,pl;q=0.9"
ENGLISH = "en-US,en;q=0.9"


@pytest.fixture
def ewa(db):
    return make_staff("ewa", make_pok(name="Sklep"))


@pytest.fixture
def ewa_client(client, ewa):
    client.force_login(ewa)  # django.contrib.auth.login: the hook that applies the saved language runs
    return client


def overview(client, accept_language):
    response = client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_browsers_language_until_the_user_chooses(ewa_client):
    assert "Przegląd" in overview(ewa_client, POLISH)
    assert "Overview" in overview(ewa_client, ENGLISH)
    assert not Preferences.objects.exists()


def test_the_chosen_language_applies_to_every_page_and_survives_logging_out(ewa_client, ewa):
    page = reverse("threads:mine")
    response = ewa_client.post(reverse("language"), {"language": "en", "next": page}, HTTP_ACCEPT_LANGUAGE=POLISH)
    assert response.status_code == 302 and response["Location"] == page
    assert Preferences.objects.get(user=ewa).language == "en"
    html = overview(ewa_client, POLISH)
    assert "Overview" in html and "Przegląd" not in html
    assert 'lang="en"' in html
    mine = ewa_client.get(page, HTTP_ACCEPT_LANGUAGE=POLISH).content.decode()
    assert "My threads" in mine and "Moje wątki" not in mine

    ewa_client.post(reverse("logout"))
    assert "Zaloguj" in ewa_client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=POLISH).content.decode()
    ewa_client.force_login(ewa)
    assert "Overview" in overview(ewa_client, POLISH)

    ewa_client.post(reverse("language"), {"language": "pl", "next": page}, HTTP_ACCEPT_LANGUAGE=ENGLISH)
    assert "Przegląd" in overview(ewa_client, ENGLISH)


def test_the_preferences_page_saves_all_three(ewa_client, ewa):
    response = ewa_client.get(reverse("preferences"), HTTP_ACCEPT_LANGUAGE=ENGLISH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Browser notifications" in html and "E-mail digest" in html
    assert "no e-mail address" in html  # ewa has none: no digest can reach her

    response = ewa_client.post(
        reverse("preferences"),
        {"language": "pl", "browser_notifications": "on", "digest": "daily"},
        HTTP_ACCEPT_LANGUAGE=ENGLISH,
    )
    assert response.status_code == 302
    saved = Preferences.objects.get(user=ewa)
    assert (saved.language, saved.browser_notifications, saved.digest) == ("pl", "on", "daily")
    assert saved.digest_since is not None
    followed = ewa_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=ENGLISH).content.decode()
    assert "Zapisano ustawienia." in followed and "Ustawienia" in followed

    ewa_client.post(reverse("preferences"), {"language": "", "browser_notifications": "off", "digest": "off"})
    saved.refresh_from_db()
    assert (saved.language, saved.browser_notifications, saved.digest) == ("", "off", "off")
    assert "Overview" in overview(ewa_client, ENGLISH)  # the browser's language again


def test_the_digest_start_stays_while_it_stays_on(ewa_client, ewa):
    ewa_client.post(reverse("preferences"), {"language": "", "browser_notifications": "off", "digest": "hourly"})
    start = Preferences.objects.get(user=ewa).digest_since
    ewa_client.post(reverse("preferences"), {"language": "", "browser_notifications": "off", "digest": "daily"})
    assert Preferences.objects.get(user=ewa).digest_since == start


@pytest.mark.parametrize(
    "data",
    [
        {"language": "xx", "browser_notifications": "on", "digest": "off"},
        {"language": "en", "browser_notifications": "maybe", "digest": "off"},
        {"language": "en", "browser_notifications": "on", "digest": "weekly"},
        {"language": "en\x00", "browser_notifications": "on", "digest": "off"},
        {},
    ],
)
def test_bad_preferences_are_a_form_error(ewa_client, data):
    response = ewa_client.post(reverse("preferences"), data)
    assert response.status_code == 400
    assert not Preferences.objects.exists()


@pytest.mark.parametrize("language", ["", "xx", "e" * 5000, "en\x00"])
def test_an_unknown_language_is_refused(ewa_client, language):
    response = ewa_client.post(reverse("language"), {"language": language})
    assert response.status_code == 400
    assert not Preferences.objects.exists()


@pytest.mark.parametrize("back", ["https://evil.example/", "_", "overview", "//evil.example/"])
def test_the_switch_goes_back_only_to_a_page_of_this_site(ewa_client, back):
    response = ewa_client.post(reverse("language"), {"language": "en", "next": back})
    assert response.status_code == 302
    assert response["Location"] == reverse("overview")


def test_the_prompts_answer_is_remembered(ewa_client, ewa):
    html = overview(ewa_client, ENGLISH)
    assert 'id="notify-prompt"' in html and 'data-choice=""' in html
    assert ewa_client.post(reverse("browser_notifications"), {"choice": "off"}).status_code == 204
    assert Preferences.objects.get(user=ewa).browser_notifications == "off"
    assert 'id="notify-prompt"' not in overview(ewa_client, ENGLISH)  # never asked again

    assert ewa_client.post(reverse("browser_notifications"), {"choice": "on"}).status_code == 204
    html = overview(ewa_client, ENGLISH)
    assert 'data-notify="on"' in html
    for bad in ["", "maybe", "on\x00"]:
        assert ewa_client.post(reverse("browser_notifications"), {"choice": bad}).status_code == 400


def test_visitors_are_sent_to_the_login(client, db):
    for name in ("preferences", "language", "browser_notifications"):
        response = client.post(reverse(name), {"language": "en", "choice": "on"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_pay_no_query_for_the_preferences(ewa_client, django_assert_num_queries):
    ewa_client.post(reverse("language"), {"language": "en"})
    version = ewa_client.get(reverse("threads:live"))["X-Live-Version"]
    with django_assert_num_queries(3):  # the session, the user and the version, as without a chosen language
        response = ewa_client.get(reverse("threads:live"), {"since": version}, HTTP_ACCEPT_LANGUAGE=POLISH)
    assert response.status_code == 204 and response["Content-Language"] == "en"
