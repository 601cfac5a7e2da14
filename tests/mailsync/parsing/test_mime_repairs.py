"""Mail other parsers give up on: each class read right, flagged only when something could not be read."""

import base64

import pytest

from mailsync.mime import parse_message
from mailsync.mime.reader import decode_base64

HEAD = b"Message-ID: <r@example.pl>\r\nFrom: Jan <jan@example.pl>\r\nSubject: Test\r\n"
POLISH = "zażółć gęślą jaźń"
POLISH_B64 = base64.b64encode(POLISH.encode())


def test_utf7_encoded_word_in_the_subject():
    parsed = parse_message(b"From: jan@example.pl\r\nSubject: =?utf-7?Q?Zam+APM-wienie?=\r\n\r\nx")
    assert (parsed.subject, parsed.problems) == ("Zamówienie", [])


def test_utf7_body():
    raw = HEAD + b"Content-Type: text/plain; charset=utf-7\r\n\r\nZam+APM-wienie +AQU-\r\n"
    parsed = parse_message(raw)
    assert (parsed.text, parsed.problems) == ("Zamówienie ą\n", [])


def test_a_boundary_folded_over_two_lines():
    raw = (
        HEAD + b'Content-Type: multipart/mixed; boundary="----=_Part_1\r\n _2"\r\n\r\n'
        b"------=_Part_1_2\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        b"------=_Part_1_2\r\nContent-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment\r\n\r\nfile\r\n"
        b"------=_Part_1_2--\r\n"
    )
    parsed = parse_message(raw)
    assert (parsed.text, [a.filename for a in parsed.attachments], parsed.problems) == ("hello", ["a.txt"], [])


def test_rfc2231_continued_boundary_and_filename():
    raw = (
        HEAD + b'Content-Type: multipart/mixed;\r\n boundary*0="abc";\r\n boundary*1="def"\r\n\r\n'
        b"--abcdef\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        b"--abcdef\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
        b" filename*0*=utf-8''Faktura%20za;\r\n filename*1*=%C5%BC%C3%B3%C5%82ty.pdf\r\n\r\nPDF\r\n--abcdef--\r\n"
    )
    parsed = parse_message(raw)
    assert (parsed.text, [a.filename for a in parsed.attachments], parsed.problems) == (
        "hello",
        ["Faktura zażółty.pdf"],
        [],
    )


@pytest.mark.parametrize("declared", [b"Base64 ", b"BASE64", b" base64\t", b"bAsE64"])
def test_transfer_encoding_with_spaces_or_odd_case(declared):
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: " + declared
    parsed = parse_message(raw + b"\r\n\r\n" + POLISH_B64 + b"\r\n")
    assert (parsed.text, parsed.problems) == (POLISH, [])


def test_quoted_printable_in_capitals():
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: QUOTED-PRINTABLE \r\n\r\n"
    parsed = parse_message(raw + b"za=C5=BC=C3=B3=C5=82=C4=87\r\n")
    assert (parsed.text, parsed.problems) == ("zażółć\n", [])


@pytest.mark.parametrize(
    "body",
    [
        POLISH_B64 + b"\r\n--\r\n",  # a stray delimiter after the data
        POLISH_B64 + b"\r\n\r\n_______________\r\nLista dyskusyjna\r\n",  # a footer added by a list
        POLISH_B64.rstrip(b"="),  # padding missing
        POLISH_B64[:16] + b"\r\n" + POLISH_B64[16:],
    ],
)
def test_base64_with_trailing_junk_or_missing_padding(body):
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    parsed = parse_message(raw + body)
    assert (parsed.text, parsed.problems) == (POLISH, [])


def test_base64_encoded_piece_by_piece_keeps_every_piece():
    pieces = b"\r\n".join(base64.b64encode(word.encode()) for word in ("ab", "cde", "f"))
    assert decode_base64(pieces) == (b"abcdef", True)


def test_base64_missing_a_character_is_reported():
    data, complete = decode_base64(b"QUJD" + b"R")
    assert (data, complete) == (b"ABC", False)


@pytest.mark.parametrize(("outer", "inner"), [(b"abc", b"abc-1"), (b"abc-1", b"abc"), (b"==X", b"==X=")])
def test_boundaries_that_are_prefixes_of_each_other(outer, inner):
    raw = (
        HEAD + b'Content-Type: multipart/mixed; boundary="' + outer + b'"\r\n\r\n'
        b"--" + outer + b'\r\nContent-Type: multipart/alternative; boundary="' + inner + b'"\r\n\r\n'
        b"--" + inner + b"\r\nContent-Type: text/plain\r\n\r\ninner text\r\n"
        b"--" + inner + b"\r\nContent-Type: text/html\r\n\r\n<p>inner html</p>\r\n"
        b"--" + inner + b"--\r\n"
        b"--"
        + outer
        + b"\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=n.txt\r\n\r\nfile\r\n"
        b"--" + outer + b"--\r\n"
    )
    parsed = parse_message(raw)
    assert (parsed.text, parsed.html, [a.filename for a in parsed.attachments], parsed.problems) == (
        "inner text",
        "<p>inner html</p>",
        ["n.txt"],
        [],
    )


@pytest.mark.parametrize("garbage", [b"\x00\xff garbage line", b"garbage without a colon", b"=?utf-8?B?broken"])
def test_a_garbled_first_header_line_does_not_take_the_subject_with_it(garbage):
    parsed = parse_message(garbage + b"\r\nFrom: jan@example.pl\r\nSubject: Important\r\n\r\nbody")
    assert (parsed.subject, parsed.from_address, parsed.text) == ("Important", "jan@example.pl", "body")
    assert parsed.problems == ["1 unreadable header line(s) skipped"]


def test_a_garbled_line_inside_the_headers_is_skipped_too():
    parsed = parse_message(b"From: jan@example.pl\r\n\x01\x02\r\nSubject: Important\r\n\r\nbody")
    assert (parsed.subject, parsed.text) == ("Important", "body")


def test_a_garbled_header_line_leaves_a_long_body_whole():
    body = b"".join(b"line %d\r\n" % n for n in range(3000))
    parsed = parse_message(b"From: jan@example.pl\r\n\x01\x02\r\nSubject: Long\r\n\r\n" + body)
    assert (parsed.subject, parsed.text) == ("Long", body.decode().replace("\r\n", "\n"))


def test_a_body_without_a_blank_line_above_it_stays_the_body():
    parsed = parse_message(b"From: jan@example.pl\r\nSubject: Test\r\nDzien dobry\r\nprosze o fakture\r\n")
    assert parsed.subject == "Test" and "Dzien dobry" in parsed.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"From: Jan <jan>", [("Jan", "jan")]),
        (b"From: jan", [("", "jan")]),
        (b"From: kasia, Shop <shop@example.pl>", [("", "kasia"), ("Shop", "shop@example.pl")]),
    ],
)
def test_an_address_without_a_domain_is_kept(header, expected):
    parsed = parse_message(header + b"\r\nTo: " + header[6:] + b"\r\nSubject: x\r\n\r\nbody")
    assert ((parsed.from_name, parsed.from_address), parsed.to, parsed.problems) == (expected[0], expected, [])


def test_a_display_name_alone_is_not_taken_for_an_address():
    parsed = parse_message(b"From: jan@example.pl\r\nTo: Jan Kowalski\r\nSubject: x\r\n\r\nbody")
    assert parsed.to == []
