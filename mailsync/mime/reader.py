"""Raw RFC 822 bytes -> ParsedMessage, as pure functions that never raise.

The MIME tree is parsed once with the standard library (compat32 keeps the raw 8-bit bytes of
headers and bodies, so the charset is decided here from the bytes, not from the label). mail-parser
supplies the forgiving parts it does well: obsolete date syntax and recovery of malformed address
lists, with the stdlib as fallback when it raises. Its ``MailParser`` object is not used: it
re-encodes every attachment to base64 (a second copy of a 30 MB payload), trusts the declared
charset (mislabelled Polish mail comes out as "Za¿ó³æ") and decodes headers with errors="ignore".
"""

import base64
import binascii
import hashlib
import mimetypes
import re
from email import errors as email_errors
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32

from tnefparse import TNEF

from mailsync.mime.charsets import codec_name, decode_8bit, decode_bytes
from mailsync.mime.headers import CONTROL, clean_line, decode_header_text, from_headers, raw_header
from mailsync.mime.message import ParsedAttachment, ParsedMessage
from threads.splitting import html_to_text

MAX_DEPTH = 100  # MIME nesting levels read before the rest is given up on
MAX_FILENAME_LENGTH = 255  # Attachment.filename column


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse a whole message. Never raises: damage is reported in ``problems``."""
    try:
        raw = bytes(raw)
        if not raw or raw.isspace():
            return ParsedMessage(problems=["the message is empty"])
        raw, skipped = _without_garbled_header_lines(_with_unfolded_boundaries(raw))
        msg = parse_tree(raw)
        parsed = from_headers(msg)
        if skipped:
            parsed.problems.append(f"{skipped} unreadable header line(s) skipped")
        _Body(parsed).read(msg)
        parsed.problems = list(dict.fromkeys(parsed.problems))
        return parsed
    except Exception as exc:  # hostile input must not stop a sync run; the raw bytes are kept by the caller
        parsed = parse_headers(header_block(raw))
        parsed.problems.append(f"the message could not be parsed ({type(exc).__name__}); only its headers are shown")
        return parsed


def parse_headers(raw_header_bytes: bytes) -> ParsedMessage:
    """Parse only a header block (messages too big to download). Never raises."""
    try:
        return from_headers(BytesHeaderParser(policy=compat32).parsebytes(bytes(raw_header_bytes)))
    except Exception as exc:  # same reason as in parse_message
        return ParsedMessage(problems=[f"the headers could not be parsed ({type(exc).__name__})"])


def identity(parsed: ParsedMessage, raw: bytes) -> str:
    """The message's identity for exactly-once import: its Message-ID, or a hash of its bytes."""
    return parsed.message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def header_block(raw) -> bytes:
    try:
        data = bytes(raw)
    except Exception:  # not even bytes-like
        return b""
    end = re.search(rb"\r?\n\r?\n", data[: 1 << 20])
    return data[: end.start()] if end else data[: 1 << 20]


_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_MAX_HEADER_LINES = 500


def _without_garbled_header_lines(raw: bytes) -> tuple[bytes, int]:
    """Drop header-block lines that are no header, when header lines follow them: the stdlib would
    start the body at such a line and lose every header below it (the Subject with them)."""
    lines = raw.split(b"\n", _MAX_HEADER_LINES)  # the last item is the rest of the message, not split
    garbled = []
    for index, line in enumerate(lines[:_MAX_HEADER_LINES]):
        bare = line.rstrip(b"\r")
        if not bare:
            break  # the end of the header block
        if _HEADER_LINE.match(bare) or bare[:1] in (b" ", b"\t") or (index == 0 and bare.startswith(b"From ")):
            continue
        if index + 1 >= len(lines) or not _HEADER_LINE.match(lines[index + 1]):
            break  # the body starts here without a blank line: it stays the body
        garbled.append(index)
    if not garbled:
        return raw, 0
    kept = [line for index, line in enumerate(lines) if index not in garbled]
    return b"\n".join(kept), len(garbled)


# Matched on a lower-cased copy: a case-insensitive pattern would be tried at every byte of a 30 MB message,
# where a plain one jumps from one "boundary" to the next.
_FOLDED_BOUNDARY = re.compile(rb'boundary\s*=\s*"([^"\r\n]*(?:\r?\n[ \t]+[^"\r\n]*)+)"')
_FOLD = re.compile(rb"\r?\n[ \t]+")


def _with_unfolded_boundaries(raw: bytes) -> bytes:
    """A quoted boundary folded over lines ("abc\\r\\n def") means the boundary written unbroken in the
    body ("--abcdef"), when that is what the body holds."""
    pieces, end = [], 0
    for match in _FOLDED_BOUNDARY.finditer(raw.lower()):  # lower() keeps every byte's place
        start, stop = match.span(1)
        joined = _FOLD.sub(b"", raw[start:stop])
        if b"--" + joined in raw:
            pieces += [raw[end:start], joined]
            end = stop
    return b"".join([*pieces, raw[end:]]) if pieces else raw


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


def parse_tree(raw: bytes) -> Message:
    """The stdlib parser's tree of `raw`, with each long base64 body set aside while it parses: the parser
    reads a message line by line in Python, and attachments are most of the lines (7,000 for a 500 KB PDF).
    A run of base64 lines can be neither a boundary nor a header, so the parser's reading of the rest is the
    same whether it sees the run or one placeholder line, and the run is put back in its part unchanged.
    Should a placeholder land anywhere but a part's payload, `raw` is parsed again as it is."""
    shortened, runs = _base64_runs_set_aside(raw)
    tree = BytesParser(policy=compat32).parsebytes(shortened)
    if runs and _put_back(tree, runs) != len(runs):
        return BytesParser(policy=compat32).parsebytes(raw)
    return tree


_SET_ASIDE = b"\x00crm-base64-"  # a mail that holds this already is parsed as it is
_SET_ASIDE_TOKEN = re.compile(re.escape(_SET_ASIDE.decode()) + "([0-9]+)\x00")
_SET_ASIDE_BYTES = 8 * 1024  # shorter bodies are not worth it
_BASE64_HEADER = re.compile(rb"content-transfer-encoding[ \t]*:[ \t]*base64[ \t]*\r?\n")  # on lower-cased bytes
_BASE64_OR_SPACE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n"
_BASE64_FIRST = frozenset(bytes([c]) for c in _BASE64_OR_SPACE[:64])


def _base64_runs_set_aside(raw: bytes) -> tuple[bytes, list[str]]:
    """`raw` with each body declared base64 that holds only base64 lines (and is long) replaced by a
    placeholder line, and those bodies, their last line break left in place (the parser gives that one to
    the boundary after it)."""
    if _SET_ASIDE in raw:
        return raw, []
    lowered, pieces, runs, done = raw.lower(), [], [], 0
    found = lowered.find(b"content-transfer-encoding")
    while found != -1:
        start, end = _base64_body(raw, lowered, found)
        if start >= done and end - start >= _SET_ASIDE_BYTES and not raw[start:end].translate(None, _BASE64_OR_SPACE):
            pieces += [raw[done:start], b"%s%d\x00" % (_SET_ASIDE, len(runs))]
            runs.append(raw[start:end].decode("ascii"))
            done = end
        found = lowered.find(b"content-transfer-encoding", max(end, found + 1))
    return b"".join([*pieces, raw[done:]]), runs


def _base64_body(raw: bytes, lowered: bytes, header: int) -> tuple[int, int]:
    """Where the body under a "Content-Transfer-Encoding: base64" header line at `header` starts, and where
    its lines end before the next line starting with "-" (a boundary can only be such a line) or the end of
    the mail; (0, 0) when that header is not one."""
    if header and lowered[header - 1] != ord("\n") or not _BASE64_HEADER.match(lowered, header):
        return 0, 0
    blank_lines = [(at, at + len(blank)) for blank in (b"\n\n", b"\n\r\n") if (at := lowered.find(blank, header)) != -1]
    if not blank_lines:
        return 0, 0
    start = min(blank_lines)[1]
    if raw[start : start + 1] not in _BASE64_FIRST:  # a line starting with a space would continue a header
        return 0, 0
    line_break = raw.find(b"\n-", start)
    if line_break == -1:  # to the end of the mail, its last line break left in place as well
        line_break = len(raw) - 1 if raw.endswith(b"\n") else len(raw)
    return start, line_break - 1 if raw[line_break - 1] == ord("\r") else line_break


def _put_back(tree: Message, runs: list[str]) -> int:
    """Puts the runs set aside back in the payloads holding their placeholders; returns how many it did."""
    done = 0
    for part in tree.walk():
        payload = part.get_payload()
        if isinstance(payload, str):
            payload, count = _SET_ASIDE_TOKEN.subn(lambda token: runs[int(token[1])], payload)
            if count:
                part.set_payload(payload)
                done += count
    return done


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
            name = re.sub(r"[\\/]", "-", parse_headers(header_block(data)).subject or "message") + ".eml"
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
            content_id = re.sub(r"[<>\s]", "", clean_line(str(view.get("Content-ID", ""))))
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
        declared = raw_header(part, "Content-Transfer-Encoding")
        encoding = clean_line(decode_8bit(declared)).lower()
        if encoding not in _KNOWN_ENCODINGS:
            self.problem(f"unknown Content-Transfer-Encoding {encoding[:40]!r} in {label}; content kept as sent")
        elif declared and declared != encoding:  # "Base64 ", "QUOTED-PRINTABLE": the stdlib wants it exact
            part.replace_header("Content-Transfer-Encoding", encoding)
        if encoding == "base64" and not part.is_multipart():
            data = self.base64(part, label, text)
        else:
            data = part.get_payload(decode=True) or b""
        part.set_payload("")  # the encoded copy is no longer needed; big mail holds one copy less
        return data

    def base64(self, part: Message, label: str, text: bool) -> bytes:
        raw = str(part.get_payload()).encode("utf-8", "surrogateescape")
        data, readable = decode_base64(raw)
        if readable:
            return data
        if text and _looks_like_plain_text(raw):
            self.problem(f"{label} is declared base64 but is plain text; shown as sent")
            return raw
        self.problem(f"{label}: invalid base64, the content may be damaged")
        return data

    def note_defects(self, part: Message) -> None:
        for defect in part.defects:
            reason = _DEFECT_REASONS.get(type(defect))
            if reason:
                self.problem(reason)

    def problem(self, reason: str) -> None:
        self.parsed.problems.append(reason)


_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]*={0,2}")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
# Base64 as it should be: lines of base64 characters, padding only at the very end. Read in one go it gives
# the bytes the line-by-line reading of decode_base64 gives (a 30 MB attachment is 400,000 lines).
_WELL_FORMED_BASE64 = re.compile(
    rb"(?:[ \t\r]*+(?:[A-Za-z0-9+/]++[ \t\r]*+)?\n)*+[ \t\r]*+[A-Za-z0-9+/]*+={0,2}[ \t\r\n]*+"  # possessive: linear
)


def decode_base64(raw: bytes) -> tuple[bytes, bool]:
    """(bytes, whether all was readable). Tolerates what senders get wrong without losing anything:
    missing padding, padded pieces one after another, junk after the data (a footer, a stray "--").
    Lines that are not base64 before the data are read as the stdlib would, and reported."""
    if _WELL_FORMED_BASE64.fullmatch(raw):
        try:
            return binascii.a2b_base64(raw), True  # skips the line breaks itself
        except binascii.Error:  # the padding is missing, or a character
            return _padded_decode(raw.translate(None, b" \t\r\n"))
    pieces: list[list[bytes]] = [[]]
    for line in raw.split(b"\n"):
        line = line.strip()
        if not line:
            continue
        if not _BASE64_LINE.fullmatch(line):
            if pieces[0]:
                break  # junk after the data
            return _padded_decode(_NOT_BASE64.sub(b"", raw))[0], False
        pieces[-1].append(line)
        if line.endswith(b"="):
            pieces.append([])  # padding ends a piece; some senders encode line by line
    decoded = [_padded_decode(b"".join(piece)) for piece in pieces if piece]
    return b"".join(data for data, _ in decoded), all(complete for _, complete in decoded)


def _padded_decode(data: bytes) -> tuple[bytes, bool]:
    data = data.replace(b"=", b"")
    complete = len(data) % 4 != 1  # one sextet alone cannot make a byte: a character is missing
    if not complete:
        data = data[:-1]
    try:
        return base64.b64decode(data + b"=" * (-len(data) % 4)), complete
    except (binascii.Error, ValueError):
        return b"", False


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
            view[name] = decode_8bit(str(value))
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


def _clean_body(value: str) -> str:
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
