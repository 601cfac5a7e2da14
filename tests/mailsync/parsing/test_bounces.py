"""The bounce corpus (tests/mailsync/parsing/corpus/bounces): each format read for the returned message,
the failed recipient and the reason. Pure functions, no database."""

from pathlib import Path

import pytest

from mailsync.bounces import bounce_kind, read_bounce
from mailsync.mime import parse_message
from pok.failures import Failure

CORPUS = Path(__file__).parent / "corpus" / "bounces"
MESSAGE_ID = "reply-4f2a9c@sklep-gesi.example"
TOKEN = "#K7QMZ3P"
RECIPIENT = "jan.kowalski@example.net"
POK = "bok@sklep-gesi.example"

# file -> (found by Message-ID, status, SMTP code, kind)
EXPECTED = {
    "postfix.eml": (True, "5.1.1", 550, Failure.RECIPIENT),
    "exim.eml": (True, "5.1.1", 550, Failure.RECIPIENT),
    "exchange.eml": (True, "5.1.10", 550, Failure.RECIPIENT),
    "gmail.eml": (True, "5.1.1", 550, Failure.RECIPIENT),
    "onet.eml": (True, "5.1.1", 550, Failure.RECIPIENT),
    "interia.eml": (True, "5.2.2", 552, Failure.MAILBOX_FULL),
    "wp.eml": (False, "5.1.1", 550, Failure.RECIPIENT),
    "o2.eml": (True, "5.3.4", 552, Failure.TOO_LARGE),
}


def sample(name: str, message_id=MESSAGE_ID, token=TOKEN, recipient=RECIPIENT, pok=POK) -> bytes:
    text = (CORPUS / name).read_text(encoding="utf-8")
    for placeholder, value in (("MESSAGE_ID", message_id), ("TOKEN", token), ("RECIPIENT", recipient), ("POK", pok)):
        text = text.replace(f"%%{placeholder}%%", value)
    return text.replace("\n", "\r\n").encode()


def test_the_corpus_has_every_format():
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_each_format_is_read(name):
    by_id, status, code, kind = EXPECTED[name]
    raw = sample(name)
    parsed = parse_message(raw)
    assert parsed.is_bounce and parsed.is_auto_reply, "recognised as a bounce, not a customer message"
    bounce = read_bounce(raw)
    if by_id:
        assert bounce.message_ids[0] == MESSAGE_ID
    else:
        assert bounce.message_ids == []
    assert TOKEN[1:] in bounce.tokens
    assert bounce.recipient == RECIPIENT
    assert (bounce.status, bounce.code) == (status, code)
    assert bounce_kind(bounce) == kind
    assert bounce.reason.startswith(f"{code} {status}") and len(bounce.reason) <= 500


def test_the_bounces_own_message_id_is_not_taken_for_the_original():
    bounce = read_bounce(sample("exim.eml"))
    assert "E1tHxYz-0007Ab-2Q@mx1.hosting.example" not in bounce.message_ids


@pytest.mark.parametrize("raw", [b"", b"\x00\xff" * 100, b"Content-Type: multipart/report\r\n\r\n--x", b"Subject: x"])
def test_broken_input_never_raises(raw):
    bounce = read_bounce(raw)
    assert bounce.message_ids == [] and bounce.code == 0
