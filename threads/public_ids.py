"""Thread ids `#XXXXXXX`: seven characters from an alphabet without look-alikes, and subjects without them."""

import re
import secrets

# No 0/O, 1/I/L: staff read these ids to customers over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 7
TOKEN_RE = re.compile(rf"#([{ALPHABET}]{{{LENGTH}}})(?![{ALPHABET}])")
BRACKETED_TOKEN_RE = re.compile(rf"\[#[{ALPHABET}]{{{LENGTH}}}\]")
REPLY_PREFIX_RE = re.compile(r"^\s*((re|odp|fwd?|pd|aw|wg|sv|tr|r)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def random_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


class FreshIds:
    """Random ids checked for collisions in batches: one query per BATCH new threads, not one each.

    `taken_among(candidates)` returns those already in use. An id handed out is unique when it was
    checked; the unique index on the column backs this up against another process meanwhile.
    """

    BATCH = 200

    def __init__(self):
        self._ready: list[str] = []

    def take(self, taken_among) -> str:
        for _attempt in range(20):
            if self._ready:
                return self._ready.pop()
            candidates = {random_public_id() for _ in range(self.BATCH)}
            self._ready = sorted(candidates - set(taken_among(candidates)))
        raise RuntimeError("could not find free thread ids in 20 batches")


def tokens_in(subject: str) -> list[str]:
    return TOKEN_RE.findall(subject or "")


def bare_subject(subject: str) -> str:
    """The subject without thread tokens and "Re:"/"Odp:"/"Fwd:" prefixes, case kept."""
    without_tokens = BRACKETED_TOKEN_RE.sub(" ", subject or "")
    return " ".join(REPLY_PREFIX_RE.sub("", " ".join(without_tokens.split())).split())
