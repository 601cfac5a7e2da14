"""Recognise automatic mail: out-of-office replies and delivery failures (never reopen a thread: spec 11, statuses).

Such mail is stored and marked, but never reopens a thread and never triggers a reply.
"""

import re
from email.message import Message

_DAEMON_LOCAL_PARTS = frozenset({"mailer-daemon", "mail-daemon", "mailerdaemon", "postmaster"})
_BULK_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply", "auto-reply"})

_REPLY_PREFIX = r"^\s*(?:(?:re|odp|aw|fw|fwd|pd|wg)\s*:\s*)*\[?\s*"
# Words a customer may also start a subject with ("Nieobecność w domu...") count only when
# they stand alone or are followed by what auto-responders put after them.
_OUT_OF_OFFICE = re.compile(
    _REPLY_PREFIX + r"(?:automatyczna\s+odpowied[zź]|odpowied[zź]\s+automatyczna|auto-?\s?odpowied[zź]"
    r"|out\s+of\s+(?:the\s+)?office|auto[-\s]?reply|automatic\s+reply|auto[-\s]?response|autorespond"
    r"|automatische\s+antwort|r[ée]ponse\s+automatique|poza\s+biurem"
    r"|(?:nieobecno[sś][cć]|abwesenheit|absence)(?=\s*(?:$|[:\]\-–]|w\s+biurze|do\b|bis\b|until\b)))",
    re.IGNORECASE,
)
_DELIVERY_FAILURE = re.compile(
    r"undeliver|delivery\s+(?:status|fail|notification|has\s+failed)|returned\s+mail|failure\s+notice"
    r"|mail\s+delivery|niedostarcz|nie\s+(?:zosta[łl]a\s+)?dostarcz|zwrot\s+poczty|unzustellbar",
    re.IGNORECASE,
)


def classify(msg: Message, subject: str, from_address: str) -> tuple[bool, bool]:
    """Return (is_auto_reply, is_bounce) for a parsed message (headers are enough)."""
    bounce = _is_bounce(msg, subject, from_address)
    auto = bounce or _has_auto_headers(msg) or bool(_OUT_OF_OFFICE.search(subject)) or _is_daemon(from_address)
    return auto, bounce


def _is_bounce(msg: Message, subject: str, from_address: str) -> bool:
    if msg.get_content_type() == "multipart/report":
        return str(msg.get_param("report-type", "")).lower() == "delivery-status"
    if _header(msg, "X-Failed-Recipients"):
        return True
    return _is_daemon(from_address) and bool(_DELIVERY_FAILURE.search(subject))


def _has_auto_headers(msg: Message) -> bool:
    auto_submitted = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    for name in ("X-Autoreply", "X-Autorespond"):
        value = _header(msg, name).strip().lower()
        if value and value != "no":
            return True
    if _header(msg, "Precedence").strip().lower() in _BULK_PRECEDENCE:
        return True
    # A multipart/report that is not a DSN is a read receipt or similar: automatic all the same.
    return msg.get_content_type() == "multipart/report"


def _is_daemon(address: str) -> bool:
    local = address.partition("@")[0].lower()
    return local in _DAEMON_LOCAL_PARTS or local.startswith("mailer-daemon")


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    return "" if value is None else str(value)
