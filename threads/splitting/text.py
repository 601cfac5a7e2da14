"""Plain-text replies: what the customer wrote and the quoted history below it (spec 12).

The cut is made at our marker line or at the earliest quote header of a common
client (Gmail, Outlook, Thunderbird, Apple Mail, Onet/WP/Interia webmail, PL and EN). When the cut
would leave nothing (a bottom-posted reply), the text is kept whole.
"""

import re

MARKERS = ("Wpisz odpowiedź powyżej tej linii", "Type your reply above this line")

_PUNCTUATION = r"[\s\-–—=_*#~.:|<>()\[\]]*"
_MARKER_LINE = re.compile(
    r"^[\s>]*" + _PUNCTUATION + "(?:" + "|".join(re.escape(m) for m in MARKERS) + ")" + _PUNCTUATION + "$",
    re.IGNORECASE,
)

# "On ... wrote:", "W dniu ... napisał(a):", "Dnia ... napisał(a):", "W dniu ..., Jan pisze:", possibly
# wrapped over a few lines; a digit (of the date) must be there so that prose does not match.
_ATTRIBUTION_START = re.compile(r"^[\s>]*(?:On|W\s+dniu|Dnia|Am|Le|El|Wiadomość\s+napisana\s+przez)\s", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"^[\s>]*(?:"
    r"(?:On|W\s+dniu|Dnia|Am|Le|El)\s.*\d.*(?:wrote|napisał\(a\)|napisał|napisała|pisze|schrieb|a\s+écrit|escribió)\s*:"
    r"|Wiadomość\s+napisana\s+przez\s.*\sw\s+dniu\s.*\d.*:"
    r")\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_MAX_LINES = 3

_SEPARATOR = re.compile(
    r"^[\s>]*-{2,}\s*(?:Original\s+Message|Oryginalna\s+wiadomość|Wiadomość\s+oryginalna"
    r"|Ursprüngliche\s+Nachricht|Message\s+d'origine)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[\s>]*(?:_{5,}|-{5,})\s*$")

# Header blocks of Outlook and webmail: "From:/Sent:", "Od:/Wysłano:", "Od:/Data:", "Temat:/Od:/Do:".
_FIELD = re.compile(
    r"^[\s>*]*(From|Sent|To|Cc|Subject|Date|Od|Do|DW|Kopia|Wysłano|Wysłane|Data|Temat|Von|Gesendet|An|Betreff)"
    r"\s*:\**\s",
    re.IGNORECASE,
)
_SENDER_FIELDS = frozenset({"from", "od", "von"})
_DATE_OR_SUBJECT_FIELDS = frozenset(
    {"sent", "date", "subject", "wysłano", "wysłane", "data", "temat", "gesendet", "betreff"}
)
# A forwarded message's header block is content the customer means to show, not history.
_FORWARD = re.compile(r"forward|przekaz|weitergeleitet|transf[ée]r", re.IGNORECASE)
_LONGEST_HEADER_LINE = 500
_LONGEST_HEADER_BLOCK = 12  # lines
_QUOTED = re.compile(r"^\s*>")
_BLANK_OR_QUOTE_MARK = re.compile(r"^[\s>]*$")


def split_reply(text: str) -> tuple[str, str]:
    """Return (what the customer wrote, the quoted rest); rest is "" when nothing was cut."""
    lines = text.splitlines(keepends=True)
    cut = _first_cut(lines)
    if cut is not None:
        while cut > 0 and _BLANK_OR_QUOTE_MARK.match(lines[cut - 1]):
            cut -= 1
        if cut > 0:
            return _strip_trailing_blank_lines(lines[:cut]), "".join(lines[cut:])
    return _strip_trailing_blank_lines(lines), ""


def _first_cut(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if len(line) > _LONGEST_HEADER_LINE:
            continue
        if _MARKER_LINE.match(line) or _SEPARATOR.match(line) or _is_attribution(lines, index):
            return index
        if _is_header_block(lines, index):
            return index - 1 if index and _RULE.match(lines[index - 1]) else index
    return _trailing_quote_start(lines)


def _is_attribution(lines: list[str], index: int) -> bool:
    if not _ATTRIBUTION_START.match(lines[index]):
        return False
    joined = ""
    for line in lines[index : index + _ATTRIBUTION_MAX_LINES]:
        joined = f"{joined} {line.strip()}" if joined else line.strip()
        if len(joined) > _LONGEST_HEADER_LINE:
            return False
        if _ATTRIBUTION.match(joined):
            return True
    return False


def _is_header_block(lines: list[str], index: int) -> bool:
    """A run of header lines naming a sender and a date or subject, not under a forward line."""
    names = set()
    for line in lines[index : index + _LONGEST_HEADER_BLOCK]:
        field = _FIELD.match(line)
        if not field:
            break
        names.add(field.group(1).lower())
    if not (names & _SENDER_FIELDS and names & _DATE_OR_SUBJECT_FIELDS):
        return False
    previous = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
    return not _FORWARD.search(previous)


def _trailing_quote_start(lines: list[str]) -> int | None:
    start = None
    for index in range(len(lines) - 1, -1, -1):
        if _QUOTED.match(lines[index]):
            start = index
        elif lines[index].strip():
            break
    return start


def _strip_trailing_blank_lines(lines: list[str]) -> str:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return "".join(lines[:end]).rstrip("\r\n")
