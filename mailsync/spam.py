"""The receiving server's spam verdict in a message's headers: a pure function.

X-Spam-Flag: YES, X-Spam-Status: Yes, ... (SpamAssassin) and X-Spam: Yes (Rspamd) mark spam.
Failed SPF, DKIM or DMARC checks in Authentication-Results are only a hint shown to staff: forwarded
and mailing-list mail often fails them without being spam."""

import re
from dataclasses import dataclass

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_AUTH_FAILURE = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*(fail|softfail|permerror)\b", re.IGNORECASE)


@dataclass
class Verdict:
    spam: str = ""  # why the server calls it spam; "" when it does not
    auth_hint: str = ""  # e.g. "SPF fail, DMARC fail"


def _headers(raw: bytes) -> list[tuple[str, str]]:
    end = _HEADER_END.search(raw[: 1 << 20])
    block = raw[: end.start()] if end else raw[: 1 << 20]
    text = re.sub(rb"\r?\n[ \t]+", b" ", block).decode("latin-1")
    pairs = []
    for line in text.splitlines():
        name, colon, value = line.partition(":")
        if colon and name and not name[0].isspace():
            pairs.append((name.strip().lower(), value.strip()))
    return pairs


def verdict(raw: bytes) -> Verdict:
    found = Verdict()
    failures = []
    for name, value in _headers(bytes(raw)):
        yes = value.lower().startswith("yes")
        if not found.spam and name in ("x-spam-flag", "x-spam-status", "x-spam") and yes:
            found.spam = f"{name.title()}: {value}"[:200]
        if name == "authentication-results":
            failures += [f"{method.upper()} {result.lower()}" for method, result in _AUTH_FAILURE.findall(value)]
    found.auth_hint = ", ".join(dict.fromkeys(failures))[:200]
    return found
