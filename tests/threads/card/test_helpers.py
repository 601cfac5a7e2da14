"""Pure helpers of the card: marketplace logins, BaseLinker URLs, tracking links, badge text colour."""

import pytest

from customers.baselinker import logins_in, search_buttons
from customers.selectors import readable_text_colour, tracking_url


@pytest.mark.parametrize(
    "subject, logins",
    [
        ("Allegro: nowa wiadomość od użytkownika jan_k-1990 w sprawie oferty 123", ["jan_k-1990"]),
        ("Pytanie od kupującego: Zofia.Z.", ["Zofia.Z"]),
        ("Re: Kupujący: kupiec_77, zamówienie", ["kupiec_77"]),
        ("New message from user buyer.one about your listing", ["buyer.one"]),
        ("Zamówienie 123 – pytanie o dostawę", []),
        ("", []),
    ],
)
def test_default_patterns_find_marketplace_logins(subject, logins):
    assert logins_in(subject) == logins


def test_configured_patterns_replace_the_defaults(settings):
    settings.CRM_MARKETPLACE_LOGIN_PATTERNS = [r"eMAG client (\w+)"]
    assert logins_in("emag CLIENT abc123 asked") == ["abc123"]
    assert logins_in("od użytkownika jan_k") == []


def test_search_buttons_are_deduplicated_ignoring_case_and_spaces(settings):
    settings.CRM_BASELINKER_SEARCH_URL = "https://bl.example/search?q={query}&x={x}"
    buttons = search_buttons(["A@x.pl", "a@X.pl", ""], ["od użytkownika a@x.pl"], ["  Jan   Nowak ", "jan nowak", None])
    assert [(b.kind, b.query) for b in buttons] == [("email", "A@x.pl"), ("name", "Jan Nowak")]
    assert buttons[1].url == "https://bl.example/search?q=Jan%20Nowak&x={x}"


def test_tracking_url():
    assert tracking_url("https://t.example/?n=@", " 12 34/5 ") == "https://t.example/?n=12%2034%2F5"
    assert tracking_url("https://t.example/?n=@", "") == ""
    assert tracking_url("https://t.example/track", "123") == ""
    assert tracking_url("javascript:alert(1)//@", "123") == ""
    assert tracking_url("HTTP://t.example/@", "x&y=1") == "HTTP://t.example/x%26y%3D1"


@pytest.mark.parametrize(
    "background, text", [("#ffffff", "#000000"), ("#000", "#ffffff"), ("#32CD32", "#000000"), ("#8f0621", "#ffffff")]
)
def test_badge_text_colour_contrasts(background, text):
    assert readable_text_colour(background) == text
