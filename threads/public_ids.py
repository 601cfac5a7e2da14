"""Thread ids `#XXXXXXX`: seven characters from an alphabet without look-alikes."""

import re
import secrets

# No 0/O, 1/I/L: staff read these ids to customers over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 7
TOKEN_RE = re.compile(rf"#([{ALPHABET}]{{{LENGTH}}})(?![{ALPHABET}])")


def random_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_unique_public_id(exists) -> str:
    """A random id for which `exists(id)` is false; the unique index backs this up under races."""
    for _attempt in range(20):
        candidate = random_public_id()
        if not exists(candidate):
            return candidate
    raise RuntimeError("could not find a free thread id in 20 attempts")


def tokens_in(subject: str) -> list[str]:
    return TOKEN_RE.findall(subject or "")
