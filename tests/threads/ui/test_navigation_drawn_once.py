"""The navigation header is drawn once per user, language and counts (threads/templatetags/thread_tags.py) and
then given each request's CSRF token, path and load time: never another user's menu, never a stale count."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import receive_threads
from threads.templatetags import thread_tags


def _nav(page) -> str:
    html = page.content.decode()
    return html[html.index('class="topbar"') : html.index("</header>")]


@pytest.mark.django_db
def test_each_user_gets_their_own_navigation_with_the_counts_of_now(pok_a, pok_b, anna, bob, monkeypatch):
    monkeypatch.setattr(thread_tags, "_navigations", {})
    receive_threads(pok_a, 2)
    receive_threads(pok_b, 1)
    boss = make_staff("boss", superuser=True)
    navs = {}
    for user in (anna, bob, boss, anna):
        client = Client()
        client.force_login(user)
        navs.setdefault(user.username, []).append(_nav(client.get(reverse("overview"))))
    assert "Anna Nowak" in navs["anna"][0] and "Shop A" in navs["anna"][0] and "Shop B" not in navs["anna"][0]
    assert "Shop B" in navs["bob"][0] and "Shop A" not in navs["bob"][0] and "Anna Nowak" not in navs["bob"][0]
    assert reverse("admin:index") in navs["boss"][0] and reverse("admin:index") not in navs["anna"][0]
    assert re.search(r'count-new"[^>]*>2 new<', navs["anna"][0]) and re.search(
        r'count-new"[^>]*>1 new<', navs["bob"][0]
    )
    assert len(thread_tags._navigations) == 3, "anna's second page reused her drawn navigation"
    receive_threads(pok_a, 1)
    client = Client()
    client.force_login(anna)
    assert re.search(r'count-new"[^>]*>3 new<', _nav(client.get(reverse("overview"))))
    # Another language: drawn again in it.
    assert "Wyloguj" in _nav(client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="pl"))
    assert "Log out" in _nav(client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="en"))


@pytest.mark.django_db
def test_the_drawn_navigation_gets_this_requests_token_path_and_moment(pok_a, anna, monkeypatch):
    monkeypatch.setattr(thread_tags, "_navigations", {})
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    first = _nav(client.get(reverse("overview")))
    second = _nav(client.get(reverse("threads:inbox", args=[pok_a.pk]), {"sort": "subject"}))
    assert len(thread_tags._navigations) == 1 and thread_tags._PLACEHOLDER not in first + second
    assert 'name="next" value="/"' in first
    assert f'name="next" value="{reverse("threads:inbox", args=[pok_a.pk])}"' in second
    loaded = [re.search(r'data-loaded="([0-9.]+)"', nav).group(1) for nav in (first, second)]
    assert loaded[0] != loaded[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', second).group(1)
    answer = client.post(reverse("language"), {"csrfmiddlewaretoken": token, "language": "en", "next": "/"})
    assert answer.status_code == 302


@pytest.mark.django_db
def test_the_keyboard_help_is_in_the_pages_language(anna_client):
    for language, title in (("en", "Keyboard shortcuts"), ("pl", "Skróty klawiszowe"), ("en", "Keyboard shortcuts")):
        page = anna_client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<h2 id="keys-help-title">{title}</h2>' in page
