"""Long base64 bodies are set aside while the stdlib parser reads a mail (mailsync.mime.reader.parse_tree):
what comes out must be what the parser gives for the mail as it is, for every shape of mail."""

import base64
import random
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP, compat32
from pathlib import Path

import pytest

from mailsync.mime import parse_message, reader

CORPUS = Path(__file__).parent / "corpus"
HEAD = b"Message-ID: <t@example.pl>\r\nFrom: Jan <jan@example.pl>\r\nSubject: Faktura\r\nMIME-Version: 1.0\r\n"
PDF = random.Random(7).randbytes(30_000)
PDF_LINES = base64.encodebytes(PDF).replace(b"\n", b"\r\n")


def with_attachment(newline: bytes = b"\r\n") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "jan@example.pl", "bok@shop.example", "Faktura"
    message.set_content("W załączniku faktura.\n")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="faktura.pdf")
    raw = message.as_bytes(policy=SMTP)
    return raw if newline == b"\r\n" else raw.replace(b"\r\n", newline)


def multipart(*parts: bytes, close: bool = True) -> bytes:
    body = b"".join(b"--b1\r\n" + part + b"\r\n" for part in parts)
    return (
        HEAD
        + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\nPreamble\r\n'
        + body
        + (b"--b1--\r\n" if close else b"")
    )


def pdf_part(encoding: bytes = b"Content-Transfer-Encoding: base64", body: bytes = PDF_LINES) -> bytes:
    return (
        b"Content-Type: application/pdf; name=f.pdf\r\nContent-Disposition: attachment\r\n"
        + encoding
        + b"\r\n\r\n"
        + body
    )


TEXT = b"Content-Type: text/plain; charset=utf-8\r\n\r\nDzie\xc5\x84 dobry"

SHAPES = {
    "attachment, CRLF": with_attachment(),
    "attachment, LF": with_attachment(b"\n"),
    "blank line before the boundary": multipart(TEXT, pdf_part(body=PDF_LINES + b"\r\n")),
    "spaces after the lines": multipart(pdf_part(body=PDF_LINES.replace(b"\r\n", b"  \r\n"))),
    "odd case and spacing": multipart(pdf_part(b"content-transfer-encoding :  BASE64 ")),
    "two attachments, one short": multipart(pdf_part(body=PDF_LINES[:2000]), TEXT, pdf_part()),
    "no closing boundary": multipart(TEXT, pdf_part(), close=False),
    "cut in the middle of the base64": multipart(TEXT, pdf_part(body=PDF_LINES[:20_001]), close=False)[:-8],
    "junk after the base64": multipart(pdf_part(body=PDF_LINES + b"-- \r\nsent from my phone\r\n")),
    "url-safe alphabet": multipart(pdf_part(body=base64.urlsafe_b64encode(PDF * 2)[:40_000] + b"\r\n-_ab\r\n")),
    "whole mail one base64 body": HEAD
    + b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + PDF_LINES,
    "whole mail, no last line break": HEAD + b"Content-Transfer-Encoding: base64\r\n\r\n" + PDF_LINES.rstrip(),
    "base64 declared on the multipart": HEAD
    + b'Content-Type: multipart/mixed; boundary="b1"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    + PDF_LINES
    + b"--b1\r\n"
    + TEXT
    + b"\r\n--b1--\r\n",
    "forwarded mail inside": multipart(
        TEXT, b"Content-Type: message/rfc822\r\n\r\n" + multipart(pdf_part()).replace(b"b1", b"b2")
    ),
    "base64 mail as an attachment": multipart(
        b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + PDF_LINES
    ),
    "the header quoted in a text body": multipart(
        b"Content-Type: text/plain\r\n\r\nSource:\r\nContent-Transfer-Encoding: base64\r\n\r\n" + PDF_LINES
    ),
    "a space before the base64": multipart(pdf_part(body=b" \r\n" + PDF_LINES)),
    "the placeholder already in the mail": multipart(TEXT + b"\x00crm-base64-0\x00", pdf_part()),
    "header at the very start": b"Content-Transfer-Encoding: base64\r\nSubject: x\r\n\r\n" + PDF_LINES,
}


def tree_shape(tree) -> list:
    """Everything the parser found, part by part."""
    return [
        (
            part.items(),
            part.preamble,
            part.epilogue,
            [type(defect) for defect in part.defects],
            None if part.is_multipart() else part.get_payload(),
        )
        for part in tree.walk()
    ]


def corpus() -> dict[str, bytes]:
    return {path.stem: path.read_bytes() for path in sorted(CORPUS.glob("*/*.eml"))}


@pytest.mark.parametrize("raw", [*SHAPES.values(), *corpus().values()], ids=[*SHAPES, *corpus()])
def test_the_tree_is_the_stdlib_parsers_tree(raw):
    assert parsed_shape(reader.parse_tree, raw) == parsed_shape(BytesParser(policy=compat32).parsebytes, raw)


def parsed_shape(parse, raw: bytes) -> list | type:
    try:
        return tree_shape(parse(raw))
    except RecursionError as error:  # nested thousands deep: parse_message tells it from the headers
        return type(error)


@pytest.mark.parametrize("raw", SHAPES.values(), ids=SHAPES)
def test_the_parsed_mail_is_the_same_as_without_setting_aside(raw, monkeypatch):
    set_aside = parse_message(raw)
    monkeypatch.setattr(reader, "_SET_ASIDE_BYTES", 10**12)
    assert parse_message(raw) == set_aside


@pytest.mark.parametrize(
    ("shape", "count"),
    [
        ("attachment, CRLF", 1),
        ("attachment, LF", 1),
        ("two attachments, one short", 1),
        ("forwarded mail inside", 1),
        ("junk after the base64", 1),
        ("a space before the base64", 0),
        ("the placeholder already in the mail", 0),
    ],
)
def test_long_base64_bodies_are_what_is_set_aside(shape, count):
    _shortened, runs = reader._base64_runs_set_aside(SHAPES[shape])
    assert len(runs) == count
    assert all(len(run) > 8 * 1024 and set(run) <= set(reader._BASE64_OR_SPACE.decode()) for run in runs)


def test_the_attachment_reads_back_byte_for_byte():
    parsed = parse_message(with_attachment())
    assert [(a.filename, a.payload) for a in parsed.attachments] == [("faktura.pdf", PDF)]


def random_mail(rng: random.Random, depth: int = 0) -> bytes:
    """A multipart mail of random shape: line breaks, header spelling, junk around the base64, mails inside
    it, no closing boundary, cut anywhere."""
    newline = rng.choice([b"\r\n", b"\n"])
    parts = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.3 and depth < 3:
            parts.append(b"Content-Type: message/rfc822" + newline * 2 + random_mail(rng, depth + 1))
            continue
        lines = base64.encodebytes(rng.randbytes(rng.randint(0, 40_000)))
        if rng.random() < 0.2:
            lines = lines.replace(b"\n", b" \n")
        lines = rng.choice([b"", b" \n", b"\n", b"-x\n"]) + lines + rng.choice([b"", b"\n", b"junk\n", b"-- \nsig\n"])
        encoding = rng.choice([b"Content-Transfer-Encoding: base64", b"content-transfer-encoding:BASE64 ", b"X: y"])
        parts.append(
            b"Content-Type: application/pdf" + newline + encoding + newline * 2 + lines.replace(b"\n", newline)
        )
    boundary = b"b%d" % rng.randint(0, 9)
    body = b"".join(b"--" + boundary + newline + part + rng.choice([newline, b"", newline * 2]) for part in parts)
    head = b"Subject: s" + newline + b'Content-Type: multipart/mixed; boundary="' + boundary + b'"' + newline * 2
    raw = head + body + rng.choice([b"--" + boundary + b"--" + newline, b""])
    return raw[: rng.randint(0, len(raw))] if rng.random() < 0.15 else raw


def test_random_shapes_of_mail_give_the_stdlib_parsers_tree():
    rng = random.Random(2026)
    mails = [random_mail(rng) for _ in range(300)]
    assert sum(bool(reader._base64_runs_set_aside(raw)[1]) for raw in mails) > 100  # the case under test
    for raw in mails:
        assert parsed_shape(reader.parse_tree, raw) == parsed_shape(BytesParser(policy=compat32).parsebytes, raw)
