"""Bytes -> str as the sender meant them: the label is a hint, the bytes decide (Polish mail is often mislabelled)."""

import codecs

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
    label = codec_name(declared)
    if label == "utf-7":  # all ASCII on the wire, so it must be decoded before the ASCII shortcut
        text = data.decode("utf-7", "replace")
        return text, "\ufffd" in text
    if data.isascii():
        return data.decode("ascii"), False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    if label and label not in _UNTRUSTED_LABELS:
        text = data.decode(label, "replace")
        return text, "\ufffd" in text
    candidates = dict.fromkeys(name for name in (label, "cp1250", "iso8859-2") if name and name != "utf-8")
    text = max((data.decode(name, "replace") for name in candidates), key=_plausibility)
    return text, "\ufffd" in text


def _plausibility(text: str) -> int:
    garbage = sum(1 for char in text if char == "\ufffd" or "\x80" <= char <= "\x9f")
    return sum(1 for char in text if char in _POLISH_LETTERS) - 3 * garbage


def decode_8bit(value: str) -> str:
    """Header text as parsed (raw 8-bit bytes held as surrogates) with those bytes decoded."""
    return decode_bytes(value.encode("utf-8", "surrogateescape"))[0]
