"""Whether a customer's first message may get an automatic acknowledgement: a pure check
of its headers. Never to automatic mail, bounces, mailing lists or no-reply addresses, and never to old
mail (a first sync of a full mailbox must not answer years of it). The per-sender loop guard and the
POK setting are checked by threads.services.acknowledge."""

import re
from datetime import datetime, timedelta

from django.utils import timezone

from mailsync.mime import ParsedMessage

MAX_AGE = timedelta(days=2)
_LIST_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|mailer[-_.]?daemon|postmaster|notifications?)\b"
    r"|no[-_.]?reply",
    re.IGNORECASE,
)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _headers(raw: bytes) -> dict[str, str]:
    """The headers this check needs, unfolded and lower-cased names (the first of each)."""
    end = _HEADER_END.search(raw[: 1 << 20])
    block = raw[: end.start()] if end else raw[: 1 << 20]
    text = re.sub(rb"\r?\n[ \t]+", b" ", block).decode("latin-1")
    found = {}
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() not in found:
            found[name.strip().lower()] = value.strip()
    return found


def may_acknowledge(parsed: ParsedMessage, raw: bytes, now: datetime | None = None) -> bool:
    if parsed.is_auto_reply or parsed.is_bounce or not parsed.from_address:
        return False
    local = parsed.from_address.partition("@")[0]
    if _NO_REPLY.search(local):
        return False
    headers = _headers(bytes(raw))
    if headers.get("list-id") or headers.get("list-unsubscribe") or headers.get("list-post"):
        return False
    if headers.get("precedence", "").lower() in _LIST_PRECEDENCE:
        return False
    return not (parsed.date and parsed.date < (now or timezone.now()) - MAX_AGE)
