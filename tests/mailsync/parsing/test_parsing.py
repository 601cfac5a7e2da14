"""parse_message / parse_headers / identity over the assembled corpora (no database, no network)."""

import base64
import hashlib
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailsync.mime import ParsedMessage, identity, parse_headers, parse_message, safe_filename
from mailsync.mime.charsets import decode_bytes
from mailsync.mime.headers import decode_header_text

CORPUS = Path(__file__).parent / "corpus"
POLISH = "Zażółć gęślą jaźń"


def corpus(folder: str) -> list[Path]:
    return sorted((CORPUS / folder).glob("*.eml"))


def parse_file(folder: str, name: str) -> ParsedMessage:
    return parse_message((CORPUS / folder / name).read_bytes())


# --- charsets ------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", corpus("charsets"), ids=lambda p: p.stem)
def test_every_charset_case_yields_the_exact_polish_text(sample):
    parsed = parse_message(sample.read_bytes())
    assert parsed.subject == POLISH
    assert parsed.from_name == POLISH
    assert parsed.from_address == "klient@example.pl"
    assert parsed.text.strip() == POLISH
    assert [a.filename for a in parsed.attachments] == [f"{POLISH}.txt"]
    assert parsed.attachments[0].payload == b"plik testowy\n"
    assert parsed.problems == []


def test_charset_corpus_covers_the_cases_of_polish_mail():
    assert {p.stem for p in corpus("charsets")} >= {
        "utf-8",
        "iso-8859-2",
        "windows-1250",
        "latin1-label-cp1250-bytes",
        "latin2-label-cp1250-bytes",
        "ascii-label-utf8-bytes",
        "utf8-label-latin2-bytes",
        "undeclared-cp1250",
        "undeclared-utf8",
        "split-encoded-words",
        "broken-q-words",
    }


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        (POLISH.encode("utf-8"), "iso-8859-2", POLISH),
        (POLISH.encode("cp1250"), "iso-8859-1", POLISH),
        (POLISH.encode("cp1250"), "iso-8859-2", POLISH),
        (POLISH.encode("iso-8859-2"), "windows-1250", POLISH),
        (POLISH.encode("iso-8859-2"), None, POLISH),
        (POLISH.encode("cp1250"), "x-unknown", POLISH),
        (POLISH.encode("cp1250"), "base64", POLISH),  # a codec, but not a charset
        ("Grüße, café".encode("latin-1"), "iso-8859-1", "Grüße, café"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
        (b"plain ascii", "x-unknown", "plain ascii"),
    ],
)
def test_decode_bytes_picks_the_charset_the_sender_meant(data, declared, expected):
    assert decode_bytes(data, declared) == (expected, False)


def test_decode_bytes_reports_lost_characters():
    text, lost = decode_bytes(b"\x81\x83\x88", "windows-1250")
    assert lost and "\ufffd" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=?utf-8?q?Zam=C3=B3wienie?= =?utf-8?q?_nr_5?=", "Zamówienie nr 5"),
        ("Re: =?iso-8859-2?Q?Zam=F3wienie?= 12", "Re: Zamówienie 12"),
        ("=?utf-8?B?WmHFvMOzxYLEhyBnxJnFm2zEhSBqYcW6xYQ?=", POLISH),  # padding missing
        ("=?utf-8?B?####?=", "=?utf-8?B?####?="),  # broken word kept as sent
        ("=?x-unknown?Q?Zam=F3wienie?=", "Zamówienie"),
        ("Line one\r\n\tline two", "Line one line two"),
        ("", ""),
    ],
)
def test_decode_header_text(raw, expected):
    assert decode_header_text(raw) == expected


# --- headers -------------------------------------------------------------------------------

HEADERS = b"""Message-ID:   < abc@shop.example >
In-Reply-To: <first@x> <second@x>
References: <r1@x>
 <r2@x>   <r3@x>
From: "Kowalski, Jan" <Jan.Kowalski@Example.PL>
To: Sklep <POK@meblik.pl>, "Anna" <anna@example.pl>
Cc: undisclosed-recipients:;
Subject: Re: =?utf-8?q?Zam=C3=B3wienie?= #AB12CD3
Date: 23 Nov 2026 10:00
"""


def test_headers_are_decoded_and_normalised():
    parsed = parse_headers(HEADERS)
    assert parsed.message_id == "abc@shop.example"
    assert parsed.in_reply_to == "first@x"
    assert parsed.references == ["r1@x", "r2@x", "r3@x"]
    assert (parsed.from_name, parsed.from_address) == ("Kowalski, Jan", "jan.kowalski@example.pl")
    assert parsed.to == [("Sklep", "pok@meblik.pl"), ("Anna", "anna@example.pl")]
    assert parsed.cc == []
    assert parsed.subject == "Re: Zamówienie #AB12CD3"
    assert parsed.date == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert parsed.text == parsed.html == "" and parsed.attachments == []
    assert parsed.ok


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Mon, 23 Nov 2026 10:00:00 +0100", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
        ("Mon, 23 Nov 2026 10:00:00 -0000", datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
        ("Mon, 23 Nov 26 10:00 GMT", datetime(2026, 11, 23, 10, 0, tzinfo=UTC)),
        ("Tue, 23 Nov 2026 10:00:00 +0100 (CET)", datetime(2026, 11, 23, 9, 0, tzinfo=UTC)),
    ],
)
def test_dates_are_timezone_aware(header, expected):
    parsed = parse_headers(f"From: a@b.pl\nDate: {header}\n".encode())
    assert parsed.date == expected and parsed.date.tzinfo is not None


def test_missing_date_is_none_without_a_problem():
    parsed = parse_headers(b"From: a@b.pl\nSubject: x\n")
    assert parsed.date is None and parsed.ok


def test_a_monster_message_id_is_hashed_consistently():
    monster = "x" * 2000 + "@example.pl"
    parsed = parse_headers(f"From: a@b.pl\nMessage-ID: <{monster}>\nReferences: <{monster}>\n".encode())
    assert parsed.message_id.startswith("sha256:") and len(parsed.message_id) < 100
    assert parsed.references == [parsed.message_id]


def test_parse_headers_never_raises():
    for raw in (b"", b"\x00\xff" * 100, b":\n:\n", os.urandom(2000), b"From: " + b"<" * 5000):
        assert isinstance(parse_headers(raw), ParsedMessage)


def test_identity_is_the_message_id_or_a_hash_of_the_bytes():
    with_id = b"Message-ID: <a@b>\nFrom: x@y.pl\n\nbody"
    without_id = b"From: x@y.pl\n\nbody"
    assert identity(parse_message(with_id), with_id) == "a@b"
    assert identity(parse_message(without_id), without_id) == "sha256:" + hashlib.sha256(without_id).hexdigest()
    assert identity(parse_message(without_id), without_id + b"!") != identity(parse_message(without_id), without_id)


# --- bodies and attachments ----------------------------------------------------------------


def test_attached_message_is_kept_as_a_readable_eml():
    parsed = parse_file("odd", "attached-message.eml")
    assert parsed.text.strip() == "Przesylam wiadomosc od kuriera."
    (attached,) = parsed.attachments
    assert attached.filename == "Przesyłka 12-2026 nadana.eml"  # the subject's "/" is not a directory
    assert attached.content_type == "message/rfc822"
    inner = parse_message(attached.payload)
    assert inner.message_id == "inner@kurier.example"
    assert inner.text == "Przesyłka nadana.\n"


def test_calendar_invite_becomes_an_ics_attachment():
    parsed = parse_file("odd", "calendar-invite.eml")
    assert parsed.text.strip() == "Zaproszenie na spotkanie."
    (invite,) = parsed.attachments
    assert invite.filename.endswith(".ics") and invite.content_type == "text/calendar"
    assert invite.payload.startswith(b"BEGIN:VCALENDAR")


def test_inline_cid_image_is_marked_and_html_keeps_the_reference():
    parsed = parse_file("odd", "inline-cid.eml")
    assert 'src="cid:ii_abc123@mail"' in parsed.html
    assert parsed.text == "Zdjęcie:"
    inline, attached = parsed.attachments
    assert (inline.filename, inline.content_id, inline.is_inline) == ("image.png", "ii_abc123@mail", True)
    assert inline.payload.startswith(b"\x89PNG")
    assert (attached.content_id, attached.is_inline) == ("unreferenced@mail", False)


def test_attachment_names_never_carry_a_path():
    parsed = parse_file("odd", "path-traversal.eml")
    assert [a.filename for a in parsed.attachments] == ["passwd", "evil.bat", "attachment-3.pdf", "attachment-4.jpg"]
    assert parsed.attachments[0].payload == b"root:x:0:0"


def test_winmail_dat_yields_its_real_attachments():
    parsed = parse_file("odd", "winmail.eml")
    assert [(a.filename, a.content_type, a.payload) for a in parsed.attachments] == [
        ("FAKTURA.PDF", "application/pdf", b"%PDF-1.4 faktura\n"),
        (f"{POLISH}.txt", "text/plain", "treść\n".encode()),
    ]
    assert parsed.ok


def test_winmail_dat_without_files_is_kept_itself():
    parsed = parse_file("odd", "winmail-empty.eml")
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("winmail.dat", "application/ms-tnef")]


def test_html_only_mail_gets_a_text_body():
    parsed = parse_file("odd", "html-only-qp-cp1250.eml")
    assert parsed.text == f"{POLISH}\n\nPozdrawiam\nJan"
    assert f"<p>{POLISH}</p>" in parsed.html


def test_a_30_mb_attachment_arrives_intact():
    payload = os.urandom(30 * 1024 * 1024)
    raw = (
        b"From: a@b.pl\nSubject: big\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n"
        b"--x\nContent-Type: text/plain\n\nhi\n--x\nContent-Type: application/octet-stream; name=big.bin\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(payload) + b"--x--\n"
    )
    parsed = parse_message(raw)
    assert parsed.ok and parsed.text == "hi"
    assert parsed.attachments[0].payload == payload


# --- broken mail ---------------------------------------------------------------------------

# name -> (a problem must be flagged, what must survive)
BROKEN = {
    "empty.eml": (True, lambda p: p.text == "" and p.message_id == ""),
    "no-headers.eml": (True, lambda p: p.text.startswith("Dzień dobry,\nto jest tylko treść")),
    "only-headers.eml": (False, lambda p: (p.subject, p.from_address, p.text) == ("Test", "jan@example.pl", "")),
    "binary-garbage.eml": (True, lambda p: "\x00" not in p.text),
    "truncated-multipart.eml": (
        True,
        lambda p: p.text == "Treść przed ucięciem." and p.attachments[0].filename == "a.pdf",
    ),
    "multipart-without-boundary.eml": (True, lambda p: p.text == "Treść w multiparcie bez granicy.\n"),
    "wrong-transfer-encoding.eml": (True, lambda p: p.text.startswith("To nie jest base64, tylko zwykły tekst")),
    "invalid-base64.eml": (
        True,
        lambda p: p.text == "Załącznik w środku.\n" and p.attachments[0].filename == "zdjecie.png",
    ),
    "unknown-charset.eml": (True, lambda p: p.text == f"{POLISH}\n" and p.subject == "Zamówienie"),
    "nested-50.eml": (False, lambda p: p.text == "Najgłębsza treść.\n"),
    "nested-3000.eml": (True, lambda p: p.subject == "Test" and p.message_id == "deep@example.pl"),
    "long-header-lines.eml": (
        False,
        lambda p: len(p.to) == 700 and p.subject.startswith("Bardzo dlugi temat") and p.text == "Tresc.\n",
    ),
    "nul-bytes.eml": (True, lambda p: p.subject == "Zamowienie" and p.text == "Treść z bajtem zerowym.\n"),
    "duplicate-message-id.eml": (False, lambda p: p.message_id == "first@example.pl"),
    "bad-date.eml": (True, lambda p: p.date is None and p.text == "Zla data.\n"),
    "header-8bit-garbage.eml": (True, lambda p: p.from_address == "jan@example.pl"),
    "broken-encoded-words.eml": (False, lambda p: p.from_address == "jan@example.pl" and "Zam" in p.subject),
    "missing-header-separator.eml": (False, lambda p: p.subject == "Test" and "Dzien dobry" in p.text),
    "dsn-bounce.eml": (
        False,
        lambda p: (
            p.is_bounce
            and p.is_auto_reply
            and "could not" in p.text
            and [a.filename for a in p.attachments] == ["delivery-status.txt", "Re: Zamowienie #AB12CD3.eml"]
        ),
    ),
    "out-of-office.eml": (
        False,
        lambda p: p.is_auto_reply and not p.is_bounce and p.text.startswith("Jestem nieobecna"),
    ),
}


def test_broken_corpus_is_complete():
    assert {p.name for p in corpus("broken")} == set(BROKEN)
    assert len(BROKEN) >= 15


@pytest.mark.parametrize("sample", corpus("broken"), ids=lambda p: p.name)
def test_broken_mail_never_raises_and_keeps_what_it_can(sample):
    parsed = parse_message(sample.read_bytes())
    must_flag, survives = BROKEN[sample.name]
    assert bool(parsed.problems) == must_flag, parsed.problems
    assert survives(parsed)
    texts = [parsed.subject, parsed.from_name, parsed.text, parsed.html] + [a.filename for a in parsed.attachments]
    assert not any("\x00" in value for value in texts)  # PostgreSQL refuses NUL in text


def test_mutilated_corpus_mail_never_raises():
    rng = random.Random(11)
    small = [p for folder in ("charsets", "odd", "broken") for p in corpus(folder) if p.stat().st_size < 50_000]
    samples = [p.read_bytes() for p in small]
    for _ in range(400):
        raw = bytearray(rng.choice(samples))
        for _ in range(rng.randrange(1, 20)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        raw = bytes(raw[: rng.randrange(len(raw) + 1)])
        parsed = parse_message(raw)
        assert isinstance(parsed, ParsedMessage)
        assert parsed.date is None or parsed.date.tzinfo is not None


def test_parse_message_accepts_any_bytes_like_and_survives_non_bytes():
    assert parse_message(bytearray(b"Subject: x\n\nbody")).subject == "x"
    assert parse_message(memoryview(b"Subject: y\n\nbody")).subject == "y"
    assert not parse_message(None).ok


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/absolute/path/faktura.pdf", "faktura.pdf"),
        ("  spaced name.txt  ", "spaced name.txt"),
        ("tab\tand\nnewline\x00.txt", "tabandnewline.txt"),
        ("..", ""),
        ("", ""),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_raw_8bit_rfc2231_filename_does_not_lose_the_part():
    raw = (
        b"From: a@b.pl\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n"
        b"--x\nContent-Type: text/plain\n\nhi\n"
        b"--x\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''"
        + "Zażółć.pdf".encode()
        + b"\n\n%PDF\n--x--\n"
    )
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == ["Zażółć.pdf"]
