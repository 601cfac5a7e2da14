"""Header fields -> ParsedMessage fields: ids, addresses, dates, RFC 2047 text. Never raises."""

import base64
import binascii
import hashlib
import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from mailparser.dates import parse_mail_date
from mailparser.utils import get_addresses

from mailsync import autoreply
from mailsync.mime.charsets import decode_8bit, decode_bytes
from mailsync.mime.message import ParsedMessage

MAX_ID_LENGTH = 998  # Message.message_id column


def from_headers(msg: Message) -> ParsedMessage:
    parsed = ParsedMessage()
    if not msg.keys():
        parsed.problems.append("the message has no headers")
    parsed.message_id = next(iter(_ids(raw_header(msg, "Message-ID"))), "")
    parsed.in_reply_to = next(iter(_ids(raw_header(msg, "In-Reply-To"))), "")
    parsed.references = _ids(raw_header(msg, "References"))
    parsed.subject = decode_header_text(raw_header(msg, "Subject"))
    senders = _addresses(raw_header(msg, "From"))
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    elif msg.keys():
        parsed.problems.append("the sender address is missing or unreadable")
    for name, value in (("Subject", parsed.subject), ("From", parsed.from_name)):
        if "\ufffd" in value:
            parsed.problems.append(f"the {name} header has bytes that could not be decoded")
    parsed.to = _addresses(raw_header(msg, "To"))
    parsed.cc = _addresses(raw_header(msg, "Cc"))
    parsed.date = _date(raw_header(msg, "Date"), parsed.problems)
    parsed.is_auto_reply, parsed.is_bounce = autoreply.classify(msg, parsed.subject, parsed.from_address)
    return parsed


def raw_header(msg: Message, name: str) -> str:
    """The first such header as sent (8-bit bytes as surrogates), "" when absent."""
    name = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


_ID = re.compile(r"<([^<>]*)>")


def _ids(value: str) -> list[str]:
    text = decode_8bit(value)
    found = _ID.findall(text) or text.split()
    return [cleaned for cleaned in map(_clean_id, found) if cleaned]


def _clean_id(value: str) -> str:
    value = re.sub(r"[\s\x00-\x1f\x7f<>]", "", value)
    if len(value) > MAX_ID_LENGTH:
        # Deterministic, so References naming the same monster id still match it.
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    return value


def _addresses(value: str) -> list[tuple[str, str]]:
    if not value.strip():
        return []
    text = unfold(decode_8bit(value))
    plain = getaddresses([text])
    try:
        pairs = get_addresses(text)  # mail-parser recovers mailboxes from malformed lists
    except Exception:  # its recovery code is the fragile part; the stdlib is plainer but safe
        pairs = plain
    if any(_local_only(address, text) for _, address in plain):
        pairs = plain  # mail-parser drops an address without a domain ("Jan <jan>"); it is still who wrote
    return [
        (clean_line(decode_header_text(name)), clean_line(address).lower())
        for name, address in pairs
        if address.strip()
    ]


def _local_only(address: str, text: str) -> bool:
    """An address without a domain that the header really holds (not a stray word of a display name)."""
    if not address or "@" in address or not re.fullmatch(r"[\w.+'-]+", address):
        return False
    return f"<{address}>" in text or address in (segment.strip() for segment in text.split(","))


def _date(value: str, problems: list[str]) -> datetime | None:
    text = clean_line(decode_8bit(value))
    if not text:
        return None
    try:
        date = parse_mail_date(text).value
    except Exception:  # mail-parser's date code on garbage; the stdlib below gets a second try
        date = None
    if date is None:
        try:
            date = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            problems.append(f"the Date header is unreadable: {text[:80]}")
            return None
    return date if date.tzinfo else date.replace(tzinfo=UTC)


_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")


def decode_header_text(value: str) -> str:
    """Decode an unstructured header: RFC 2047 words (even split mid-character or mislabelled),
    undeclared 8-bit bytes, folding. Broken words are kept literally."""
    if not value:
        return ""
    raw = value.encode("utf-8", "surrogateescape")
    pieces: list[list] = []  # [bytes, charset] runs; same-charset words are joined before decoding
    position, after_word = 0, False
    for match in _ENCODED_WORD.finditer(raw):
        word = _encoded_word_bytes(match)
        if word is None:
            continue
        gap = raw[position : match.start()]
        if not (after_word and not gap.strip()):  # whitespace between two words is not text
            _add_piece(pieces, gap, None)
        _add_piece(pieces, *word)
        position, after_word = match.end(), True
    _add_piece(pieces, raw[position:], None)
    return clean_line("".join(decode_bytes(data, charset)[0] for data, charset in pieces))


def _encoded_word_bytes(match: re.Match) -> tuple[bytes, str] | None:
    charset = match.group(1).split(b"*")[0].decode("ascii", "replace")
    text = match.group(3)
    try:
        if match.group(2) in b"bB":
            text = re.sub(rb"[^A-Za-z0-9+/]", b"", text)
            return (base64.b64decode(text + b"=" * (-len(text) % 4)), charset) if text else None
        return binascii.a2b_qp(text, header=True), charset
    except (binascii.Error, ValueError):
        return None


def _add_piece(pieces: list[list], data: bytes, charset: str | None) -> None:
    if pieces and pieces[-1][1] == charset:
        pieces[-1][0] += data
    else:
        pieces.append([data, charset])


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def clean_line(value: str) -> str:
    return re.sub(r"\s+", " ", CONTROL.sub("", value)).strip()
