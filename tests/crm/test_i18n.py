"""The Polish translation: staff pages follow Accept-Language, and the catalog is complete and compiled."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_pok, make_staff
from threads.models import Thread

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = PROJECT_ROOT / "locale" / "pl" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
POLISH_PLURALS = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdif]|\{\w+\}")

# page -> (Polish, English) strings it must show.
EXPECTED = {
    "overview": (
        ["Obsługa klienta", "Przegląd", "Archiwum", "Nowy wątek"],
        ["Customer service", "Overview", "Archive", "New thread"],
    ),
    "inbox": (
        ["Obsługa klienta", "Nowy wątek", "Ostatnia wiadomość", "Opiekun", ">nowy<"],
        ["Customer service", "New thread", "Last message", "Owner", ">new<"],
    ),
    "detail": (
        ["Odpowiedz i archiwizuj", "Odpowiedz i oczekuj", "Dodaj notatkę", "Historia", "Utworzono wątek"],
        ["Reply and archive", "Reply and wait", "Add note", "History", "Thread created"],
    ),
}


@pytest.fixture
def pages(client, db):
    pok = make_pok(name="Sklep BOK")
    client.force_login(make_staff("ewa", pok))
    thread = Thread.objects.create(pok=pok, subject="Gdzie paczka?", customer_email="jan@example.com")
    thread.events.create(kind="created")
    return {
        "overview": reverse("overview"),
        "inbox": reverse("threads:inbox", args=[pok.pk]),
        "detail": reverse("threads:detail", args=[thread.public_id]),
    }


def _get(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("page", EXPECTED)
def test_pages_are_polish_with_accept_language_pl(client, pages, page):
    html = _get(client, pages[page], "pl-PL,pl;q=0.9")
    polish, english = EXPECTED[page]
    for text in polish:
        assert text in html, text
    for text in english:
        assert text not in html, text


@pytest.mark.parametrize("page", EXPECTED)
def test_pages_are_english_with_accept_language_en(client, pages, page):
    html = _get(client, pages[page], "en-US,en;q=0.9")
    polish, english = EXPECTED[page]
    for text in english:
        assert text in html, text
    for text in polish:
        assert text not in html, text


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], body)


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: {"flags": [...], "msgid": str, "msgid_plural": str|None, "msgstr": [str, ...]}."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry = {"flags": [], "msgid": "", "msgid_plural": None, "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid_plural "):
                key, entry["msgid_plural"] = "msgid_plural", _unquote(line)
            elif line.startswith("msgid "):
                key, entry["msgid"] = "msgid", _unquote(line)
            elif line.startswith("msgstr"):
                key = "msgstr"
                entry["msgstr"].append(_unquote(line))
            elif line.startswith('"'):
                if key == "msgstr":
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[key] += _unquote(line)
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalog():
    entries = parse_po(PO_FILE.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "", "the first entry is the header"
    return header, messages


def test_header_names_polish_and_its_plural_forms(catalog):
    header, _ = catalog
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    assert fields["Language"] == "pl"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == POLISH_PLURALS
    assert "fuzzy" not in header["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    _, messages = catalog
    assert len(messages) > 400
    untranslated = [m["msgid"] for m in messages if not all(m["msgstr"])]
    fuzzy = [m["msgid"] for m in messages if "fuzzy" in m["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plurals = [m for m in messages if m["msgid_plural"] is not None]
    assert plurals and all(len(m["msgstr"]) == 3 for m in plurals)


def test_translations_keep_the_placeholders(catalog):
    _, messages = catalog
    wrong = []
    for m in messages:
        expected = sorted(PLACEHOLDER.findall(m["msgid_plural"] or m["msgid"]))
        # The singular form may leave its only number out ("pierwszego klienta").
        forms = m["msgstr"][1:] if m["msgid_plural"] else m["msgstr"]
        wrong += [m["msgid"] for form in forms if sorted(PLACEHOLDER.findall(form)) != expected]
    assert wrong == []


def test_compiled_catalog_matches_the_po_file(catalog):
    _, messages = catalog
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for m in messages:
        if m["msgid_plural"] is None:
            if compiled.gettext(m["msgid"]) != m["msgstr"][0]:
                stale.append(m["msgid"])
        elif [compiled.ngettext(m["msgid"], m["msgid_plural"], n) for n in (1, 2, 5)] != m["msgstr"]:
            stale.append(m["msgid"])
    assert stale == [], "run: manage.py compilemessages -l pl"


APPS_AND_TEMPLATES = ["crm", "pok", "threads", "customers", "search", "mailsync", "templates", "static", "locale"]


def test_every_string_the_code_marks_is_in_the_catalog_and_translated(tmp_path):
    """makemessages over a copy of the code: a string marked for translation but missing from the catalog
    (an English phrase on the Polish pages) comes out untranslated there."""
    for name in APPS_AND_TEMPLATES:
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "manage.py", tmp_path)
    environment = {**os.environ, "DEBUG": "true", "SECRET_KEY": "makemessages", "CRM_ENCRYPTION_KEY": "makemessages"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "pl", "--no-obsolete"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = parse_po((tmp_path / "locale" / "pl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))[1:]
    missing = [m["msgid"] for m in fresh if not all(m["msgstr"]) or "fuzzy" in m["flags"]]
    assert len(fresh) > 400
    assert missing == [], "add these to locale/pl/LC_MESSAGES/django.po"
