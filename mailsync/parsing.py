"""Raw RFC 822 bytes -> ParsedMessage, as pure functions that never raise (issue 3, points 5, 7, 9).

The MIME tree is parsed once with the standard library (compat32 keeps the raw 8-bit bytes of
headers and bodies, so the charset is decided here from the bytes, not from the label). mail-parser
supplies the forgiving parts it does well: obsolete date syntax and recovery of malformed address
lists, with the stdlib as fallback when it raises. Its ``MailParser`` object is not used: it
re-encodes every attachment to base64 (a second copy of a 30 MB payload), trusts the declared
charset (mislabelled Polish mail comes out as "Za¿ó³æ") and decodes headers with errors="ignore".
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from mailparser.dates import parse_mail_date
from mailparser.utils import get_addresses
from tnefparse import TNEF

from mailsync import autoreply

MAX_DEPTH = 100  # MIME nesting levels read before the rest is given up on
MAX_ID_LENGTH = 998  # Message.message_id column
MAX_FILENAME_LENGTH = 255  # Attachment.filename column


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    content_id: str = ""
    is_inline: bool = False


@dataclass
class ParsedMessage:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[tuple[str, str]] = field(default_factory=list)
    cc: list[tuple[str, str]] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    is_bounce: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse a whole message. Never raises: damage is reported in ``problems``."""
    try:
        raw = bytes(raw)
        if not raw or raw.isspace():
            return ParsedMessage(problems=["the message is empty"])
        msg = BytesParser(policy=compat32).parsebytes(raw)
        parsed = _from_headers(msg)
        _Body(parsed).read(msg)
        parsed.problems = list(dict.fromkeys(parsed.problems))
        return parsed
    except Exception as exc:  # hostile input must not stop a sync run; the raw bytes are kept by the caller
        parsed = parse_headers(_header_block(raw))
        parsed.problems.append(f"the message could not be parsed ({type(exc).__name__}); only its headers are shown")
        return parsed


def parse_headers(raw_header_bytes: bytes) -> ParsedMessage:
    """Parse only a header block (messages too big to download). Never raises."""
    try:
        return _from_headers(BytesHeaderParser(policy=compat32).parsebytes(bytes(raw_header_bytes)))
    except Exception as exc:  # same reason as in parse_message
        return ParsedMessage(problems=[f"the headers could not be parsed ({type(exc).__name__})"])


def identity(parsed: ParsedMessage, raw: bytes) -> str:
    """The message's identity for exactly-once import: its Message-ID, or a hash of its bytes."""
    return parsed.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def _header_block(raw) -> bytes:
    try:
        data = bytes(raw)
    except Exception:  # not even bytes-like
        return b""
    end = re.search(rb"\r?\n\r?\n", data[: 1 << 20])
    return data[: end.start()] if end else data[: 1 << 20]


# --- headers -------------------------------------------------------------------------------


def _from_headers(msg: Message) -> ParsedMessage:
    parsed = ParsedMessage()
    if not msg.keys():
        parsed.problems.append("the message has no headers")
    parsed.message_id = next(iter(_ids(_raw_header(msg, "Message-ID"))), "")
    parsed.in_reply_to = next(iter(_ids(_raw_header(msg, "In-Reply-To"))), "")
    parsed.references = _ids(_raw_header(msg, "References"))
    parsed.subject = decode_header_text(_raw_header(msg, "Subject"))
    senders = _addresses(_raw_header(msg, "From"))
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    elif msg.keys():
        parsed.problems.append("the sender address is missing or unreadable")
    for name, value in (("Subject", parsed.subject), ("From", parsed.from_name)):
        if "\ufffd" in value:
            parsed.problems.append(f"the {name} header has bytes that could not be decoded")
    parsed.to = _addresses(_raw_header(msg, "To"))
    parsed.cc = _addresses(_raw_header(msg, "Cc"))
    parsed.date = _date(_raw_header(msg, "Date"), parsed.problems)
    parsed.is_auto_reply, parsed.is_bounce = autoreply.classify(msg, parsed.subject, parsed.from_address)
    return parsed


def _raw_header(msg: Message, name: str) -> str:
    """The first such header as sent (8-bit bytes as surrogates), "" when absent."""
    name = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == name:
            return str(value)
    return ""


_ID = re.compile(r"<([^<>]*)>")


def _ids(value: str) -> list[str]:
    text = _decode_8bit(value)
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
    text = _unfold(_decode_8bit(value))
    try:
        pairs = get_addresses(text)  # mail-parser recovers mailboxes from malformed lists
    except Exception:  # its recovery code is the fragile part; the stdlib is plainer but safe
        pairs = getaddresses([text])
    return [
        (_clean_line(decode_header_text(name)), _clean_line(address).lower())
        for name, address in pairs
        if address.strip()
    ]


def _date(value: str, problems: list[str]) -> datetime | None:
    text = _clean_line(_decode_8bit(value))
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


# --- charsets ------------------------------------------------------------------------------

_POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Labels Polish mail is often sent under by mistake: for these the bytes decide, not the label.
_UNTRUSTED_LABELS = frozenset(
    codecs.lookup(name).name
    for name in ("us-ascii", "iso-8859-1", "windows-1252", "utf-8", "iso-8859-2", "windows-1250")
)


def codec_name(label: str | None) -> str | None:
    """Python's name for a MIME charset label, None when unknown or not a text encoding."""
    if not label:
        return None
    try:
        info = codecs.lookup(str(label).strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, bool]:
    """Decode as the sender most likely meant: UTF-8 when valid, else the declared charset or a
    Polish one, whichever gives Polish letters without garbage. The flag tells characters were lost."""
    if data.isascii():
        return data.decode("ascii"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    label = codec_name(declared)
    if label and label not in _UNTRUSTED_LABELS:
        text = data.decode(label, "replace")
        return text, "\ufffd" in text
    candidates = dict.fromkeys(name for name in (label, "cp1250", "iso8859-2") if name and name != "utf-8")
    text = max((data.decode(name, "replace") for name in candidates), key=_plausibility)
    return text, "\ufffd" in text


def _plausibility(text: str) -> int:
    garbage = sum(1 for char in text if char == "\ufffd" or "\x80" <= char <= "\x9f")
    return sum(1 for char in text if char in _POLISH_LETTERS) - 3 * garbage


def _decode_8bit(value: str) -> str:
    """Header text as parsed (raw 8-bit bytes held as surrogates) with those bytes decoded."""
    return decode_bytes(value.encode("utf-8", "surrogateescape"))[0]


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
    return _clean_line("".join(decode_bytes(data, charset)[0] for data, charset in pieces))


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


# --- text cleaning -------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def _clean_line(value: str) -> str:
    return re.sub(r"\s+", " ", _CONTROL.sub("", value)).strip()


def _clean_body(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, for mail that has no text part."""
    extractor = _HtmlText()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser is lenient, but a body must never fail the message
        pass
    text = "".join(extractor.parts)
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _HtmlText(HTMLParser):
    """Text of HTML as a browser lays it out: blocks on their own lines, paragraphs apart."""

    _BLOCKS = frozenset(
        [
            "address",
            "article",
            "blockquote",
            "dd",
            "div",
            "dl",
            "dt",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "ol",
            "pre",
            "section",
            "table",
            "tr",
            "ul",
        ]
    )
    _PARAGRAPHS = frozenset({"p"})
    _HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.newlines = 0  # how many line breaks end the text so far (spaces aside)

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._write("\n")
        else:
            self._break(tag)

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("td", "th"):
            self._write(" ")
        else:
            self._break(tag)

    def handle_data(self, data):
        if not self.hidden:
            self._write(re.sub(r"[ \t\r\n]+", " ", data))

    def _break(self, tag: str) -> None:
        wanted = 2 if tag in self._PARAGRAPHS else 1 if tag in self._BLOCKS else 0
        if self.parts and wanted > self.newlines:
            self._write("\n" * (wanted - self.newlines))

    def _write(self, text: str) -> None:
        """``text`` is either line breaks only or data without line breaks."""
        self.parts.append(text)
        if text.startswith("\n"):
            self.newlines += len(text)
        elif text.strip():
            self.newlines = 0


# --- bodies and attachments ----------------------------------------------------------------

_ATTACHED_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_KNOWN_ENCODINGS = frozenset(
    {"", "7bit", "8bit", "binary", "base64", "quoted-printable", "uuencode", "x-uuencode", "uue", "x-uue"}
)
_BASE64_DEFECTS = (
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64PaddingDefect,
    email_errors.InvalidBase64LengthDefect,
)
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]")
_NO_BOUNDARY = "a multipart part has no usable boundary; its content is shown as text"
_DEFECT_REASONS = {
    email_errors.CloseBoundaryNotFoundDefect: "the message is truncated: a multipart closing boundary is missing",
    email_errors.StartBoundaryNotFoundDefect: _NO_BOUNDARY,
    email_errors.NoBoundaryInMultipartDefect: _NO_BOUNDARY,
    email_errors.MultipartInvariantViolationDefect: _NO_BOUNDARY,
}


class _Body:
    """Walks the MIME tree once, filling the message's bodies, attachments and problems."""

    def __init__(self, parsed: ParsedMessage):
        self.parsed = parsed
        self.texts: list[str] = []
        self.htmls: list[str] = []

    def read(self, msg: Message) -> None:
        self.walk(msg, 0)
        parsed = self.parsed
        parsed.html = "\n".join(self.htmls)
        parsed.text = "\n".join(self.texts) or html_to_text(parsed.html)
        for attachment in parsed.attachments:
            if attachment.content_id and f"cid:{attachment.content_id}" in parsed.html:
                attachment.is_inline = True

    def walk(self, part: Message, depth: int) -> None:
        self.note_defects(part)
        if depth > MAX_DEPTH:
            self.problem(f"MIME parts nested deeper than {MAX_DEPTH} levels were skipped")
            return
        content_type = part.get_content_type()
        if content_type.startswith("message/"):
            self.guarded(self.enclosed, part, content_type)
        elif part.is_multipart():
            for child in part.get_payload():
                self.walk(child, depth + 1)
        else:
            self.guarded(self.leaf, part, content_type)

    def guarded(self, read, part: Message, *args) -> None:
        try:
            read(part, *args)
        except Exception as exc:  # one unreadable part must not cost the others
            self.problem(f"a {part.get_content_type()} part could not be read ({type(exc).__name__})")

    def leaf(self, part: Message, content_type: str) -> None:
        view = _mime_view(part)
        filename = _filename(view)
        disposition = (view.get_content_disposition() or "").lower()
        if content_type.startswith("multipart/"):
            content_type = "text/plain"  # boundary lost: the defect is reported, the text is kept
        if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            self.body(part, view, content_type)
        elif content_type == "application/ms-tnef" or filename.lower() == "winmail.dat":
            self.tnef(part, view, filename)
        else:
            self.attachment(view, filename, content_type, self.payload(part, filename or content_type), disposition)

    def body(self, part: Message, view: Message, content_type: str) -> None:
        data = self.payload(part, content_type, text=True)
        declared = view.get_content_charset()
        text, lost = decode_bytes(data, declared)
        if lost:
            self.problem(f"some characters of the {content_type} body could not be decoded")
        elif declared and not codec_name(declared) and not data.isascii():
            self.problem(f"unknown charset {declared!r}; the {content_type} body was decoded by guessing")
        if "\x00" in text:
            self.problem("NUL bytes were removed from the body")
        (self.htmls if content_type == "text/html" else self.texts).append(_clean_body(text))

    def enclosed(self, part: Message, content_type: str) -> None:
        """An attached message (kept as "<subject>.eml") or a report such as message/delivery-status."""
        view = _mime_view(part)
        inner = part.get_payload()
        if isinstance(inner, list):
            data = b"".join(block.as_bytes() for block in inner)
        else:  # an encoded message/* part: not allowed, but sent
            data = self.payload(part, content_type)
        name = _filename(view)
        if not name and content_type in _ATTACHED_MESSAGE_TYPES:
            name = re.sub(r"[\\/]", "-", parse_headers(_header_block(data)).subject or "message") + ".eml"
        self.attachment(view, name or content_type.partition("/")[2] + ".txt", content_type, data, "attachment")

    def tnef(self, part: Message, view: Message, filename: str) -> None:
        data = self.payload(part, filename or "winmail.dat")
        found = []
        try:
            for item in TNEF(data, do_checksum=False).attachments:
                if item.data:
                    found.append((_tnef_name(item), bytes(item.data)))
        except Exception:  # damaged TNEF: the file itself is kept below
            self.problem("winmail.dat could not be unpacked; it is kept as it came")
            found = []
        for name, payload in found:
            guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.attachment(view, name, guessed, payload, "attachment", content_id="")
        if not found:
            self.attachment(view, filename or "winmail.dat", "application/ms-tnef", data, "attachment")

    def attachment(
        self, view: Message, filename: str, content_type: str, payload: bytes, disposition: str, content_id=None
    ) -> None:
        attachments = self.parsed.attachments
        if content_id is None:
            content_id = re.sub(r"[<>\s]", "", _clean_line(str(view.get("Content-ID", ""))))
        name = safe_filename(filename) or _default_filename(len(attachments) + 1, content_type)
        attachments.append(
            ParsedAttachment(
                filename=name,
                content_type=content_type,
                payload=payload,
                content_id=content_id,
                is_inline=bool(content_id) and disposition != "attachment",
            )
        )

    def payload(self, part: Message, label: str, text: bool = False) -> bytes:
        encoding = _clean_line(_decode_8bit(_raw_header(part, "Content-Transfer-Encoding"))).lower()
        if encoding not in _KNOWN_ENCODINGS:
            self.problem(f"unknown Content-Transfer-Encoding {encoding[:40]!r} in {label}; content kept as sent")
        defects_before = len(part.defects)
        data = part.get_payload(decode=True) or b""
        if any(isinstance(defect, _BASE64_DEFECTS) for defect in part.defects[defects_before:]):
            raw = str(part.get_payload()).encode("utf-8", "surrogateescape")
            if text and _looks_like_plain_text(raw):
                self.problem(f"{label} is declared base64 but is plain text; shown as sent")
                return raw
            self.problem(f"{label}: invalid base64, the content may be damaged")
        part.set_payload("")  # the encoded copy is no longer needed; big mail holds one copy less
        return data

    def note_defects(self, part: Message) -> None:
        for defect in part.defects:
            reason = _DEFECT_REASONS.get(type(defect))
            if reason:
                self.problem(reason)

    def problem(self, reason: str) -> None:
        self.parsed.problems.append(reason)


def _looks_like_plain_text(raw: bytes) -> bool:
    body = raw.replace(b"\r", b"").replace(b"\n", b"")
    foreign = len(body) - len(_BASE64_TEXT.findall(body)) + body.count(b" ")
    return foreign > len(body) // 50


def _mime_view(part: Message) -> Message:
    """A header-only copy of the MIME headers with raw 8-bit bytes decoded, so that parameter
    parsing (filename, charset) sees real characters instead of the stdlib's replacement marks."""
    view = Message()
    for name, value in part.raw_items():
        if name.lower() in ("content-type", "content-disposition", "content-id"):
            view[name] = _decode_8bit(str(value))
    return view


def _filename(view: Message) -> str:
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        value = view.get_param(param, None, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, text percent-decoded as Latin-1)
            charset, _, text = value
            try:
                data = text.encode("latin-1")
            except UnicodeEncodeError:  # raw 8-bit bytes in the value, already decoded by _mime_view
                return text
            return decode_bytes(data, charset)[0]
        if value:
            return decode_header_text(str(value))
    return ""


def _tnef_name(item) -> str:
    name = item.long_filename()
    if isinstance(name, list):
        name = name[0] if name else ""
    if isinstance(name, bytes):
        name = decode_bytes(name)[0]
    return str(name).strip("\x00") or item.name


def safe_filename(name: str) -> str:
    """The base name of an attachment's name: no directories, no control characters."""
    name = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", name or "").replace("\\", "/")
    name = name.rsplit("/", 1)[-1].strip().strip(".").strip()
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        suffix = dot + extension if stem and len(extension) <= 20 else ""
        name = name[: MAX_FILENAME_LENGTH - len(suffix)] + suffix
    return name


def _default_filename(number: int, content_type: str) -> str:
    return f"attachment-{number}{mimetypes.guess_extension(content_type) or '.bin'}"
