"""What a bounce says: which of our messages it returns, to whom it failed, and why.

A pure function over the raw bytes. Reads RFC 3464 delivery reports (multipart/report; Postfix,
Exchange / Outlook.com, Gmail, Onet, Interia send these) and the common plain-text bounces (Exim,
WP, o2): the original is found by the Message-ID in the enclosed message or in the headers the
bounce quotes; thread tokens in the subjects are a second way to it. Never raises.
"""

import re
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses

from pok.failures import Failure, smtp_reply_kind
from threads.public_ids import tokens_in

_ADDRESS = r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+"
_ADDRESS_RE = re.compile(_ADDRESS)
_QUOTED_ID_RE = re.compile(r"^[ \t>]*Message-ID:[ \t]*<([^>\s]+)>", re.IGNORECASE | re.MULTILINE)
_QUOTED_SUBJECT_RE = re.compile(r"^[ \t>]*Subject:[ \t]*(.*)$", re.IGNORECASE | re.MULTILINE)
# "550 5.1.1 <a@b>: Recipient address rejected", "550-5.1.1 The email account ...", "5.2.2 Mailbox full"
_SMTP_REPLY_RE = re.compile(r"\b([245]\d\d)[ -]+(?:#?([245]\.\d{1,3}\.\d{1,3})\b)?[ \t]*(.*)")
_STATUS_RE = re.compile(r"\b([45]\.\d{1,3}\.\d{1,3})\b")
# Where plain-text bounces start their copy of the original (Exim, o2, WP).
_COPY_MARKERS = re.compile(
    r"^-+ ?(?:This is a copy of|Original message|Below this line is a copy|Oryginalna wiadomo|Kopia wiadomo)",
    re.IGNORECASE | re.MULTILINE,
)
_MAX_TEXT = 200_000


@dataclass
class Bounce:
    message_ids: list[str] = field(default_factory=list)  # of the returned message, the likeliest first
    tokens: list[str] = field(default_factory=list)  # thread tokens in the bounce's and the quoted subjects
    recipient: str = ""
    status: str = ""  # the enhanced status code, e.g. "5.1.1"
    code: int = 0  # the SMTP reply code, e.g. 550
    diagnostic: str = ""  # the remote server's words

    @property
    def reason(self) -> str:
        return " ".join(part for part in (str(self.code or ""), self.status, self.diagnostic) if part).strip()[:500]


def bounce_kind(bounce: Bounce) -> Failure:
    """What went wrong, as one of the failure kinds shown to staff."""
    kind = smtp_reply_kind(bounce.code or 550, f"{bounce.status} {bounce.diagnostic}")
    return Failure.BOUNCED if kind in (Failure.REJECTED, Failure.OTHER, Failure.LOGIN) else kind


def read_bounce(raw: bytes) -> Bounce:
    bounce = Bounce()
    try:
        msg = message_from_bytes(bytes(raw), policy=compat32)
        _read(msg, bounce)
    except Exception:  # hostile input: whatever was read so far is what we know
        pass
    bounce.message_ids = list(dict.fromkeys(bounce.message_ids))
    bounce.tokens = list(dict.fromkeys(bounce.tokens))
    return bounce


def _read(msg: Message, bounce: Bounce) -> None:
    own_id = _bare_id(msg.get("Message-ID", ""))
    own_addresses = {
        address.lower() for _name, address in getaddresses(msg.get_all("From", []) + msg.get_all("To", []))
    }
    bounce.tokens += tokens_in(str(msg.get("Subject", "")))
    failed = str(msg.get("X-Failed-Recipients", "")).strip()
    if failed:
        bounce.recipient = failed.split(",")[0].strip()
    texts = []
    for part in msg.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            _read_status(part, bounce)
        elif content_type in ("message/rfc822", "message/rfc822-headers", "text/rfc822-headers"):
            _read_original(part, bounce)
        elif part.get_content_maintype() == "text":
            texts.append(_text(part))
    text = "\n".join(texts)[:_MAX_TEXT]
    human, _sep, copy = _split_copy(text)
    for found in _QUOTED_ID_RE.findall(text):
        if found != own_id:
            bounce.message_ids.append(found)
    for subject in _QUOTED_SUBJECT_RE.findall(copy or text):
        bounce.tokens += tokens_in(subject)
    if not bounce.recipient:
        bounce.recipient = next(
            (a for a in _ADDRESS_RE.findall(human) if a.lower() not in own_addresses and "daemon" not in a.lower()), ""
        )
    if not bounce.code and not bounce.diagnostic:
        _read_reply(human, bounce)


def _read_status(part: Message, bounce: Bounce) -> None:
    blocks = part.get_payload()
    if not isinstance(blocks, list):  # an encoded report: parse it as header blocks ourselves
        text = _text(part)
        blocks = [message_from_string(block, policy=compat32) for block in re.split(r"\r?\n\r?\n", text)]
    for block in blocks:
        action = str(block.get("Action", "")).strip().lower()
        recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        if not recipient or action not in ("failed", ""):
            continue
        bounce.recipient = recipient.rpartition(";")[2].strip().strip("<>")
        status = _STATUS_RE.search(str(block.get("Status", "")))
        bounce.status = status.group(1) if status else bounce.status
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        diagnostic = diagnostic.partition(";")[2].strip() or diagnostic
        if diagnostic:
            _read_reply(diagnostic, bounce)
            bounce.diagnostic = bounce.diagnostic or diagnostic
        return


def _read_original(part: Message, bounce: Bounce) -> None:
    inner = part.get_payload()
    enclosed = isinstance(inner, list) and inner
    original = inner[0] if enclosed else message_from_string(_text(part), policy=compat32)
    found = _bare_id(str(original.get("Message-ID", "")))
    if found:
        bounce.message_ids.insert(0, found)
    bounce.tokens += tokens_in(str(original.get("Subject", "")))


def _read_reply(text: str, bounce: Bounce) -> None:
    """The first SMTP error reply in `text`: its code, status and words."""
    for line in text.splitlines():
        found = _SMTP_REPLY_RE.search(line)
        if found and found.group(1)[0] in "45":
            bounce.code = int(found.group(1))
            bounce.status = found.group(2) or bounce.status
            bounce.diagnostic = found.group(3).strip()[:400]
            return
        status = _STATUS_RE.search(line)
        if status and not bounce.status:
            bounce.status = status.group(1)


def _split_copy(text: str) -> tuple[str, str, str]:
    found = _COPY_MARKERS.search(text)
    if not found:
        return text, "", ""
    return text[: found.start()], found.group(0), text[found.end() :]


def _text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = data.decode(charset, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<br\s*/?>|</p>|</div>|</tr>", "\n", text, flags=re.I))
    return text


def _bare_id(value: str) -> str:
    found = re.search(r"<([^>\s]+)>", value or "")
    return found.group(1) if found else (value or "").strip()
