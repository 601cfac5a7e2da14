"""The one decision, for text and HTML alike: where a reply's signature and quoted history start.

Both readers turn a body into `Line`s (the text of a line, its quote depth, what the markup said
about it) and ask `find_cut`. The rule that matters most: a customer's words are never folded away.
When text follows a quote block (inline answers, bottom posting) the whole message is shown, but for
a full history below the last answer; when a cut would leave nothing, nothing is cut; when unsure,
more is shown.
"""

import re
from dataclasses import dataclass

from threads.splitting.patterns import INLINE_ANSWERS, LANGUAGES, MARKERS

LONGEST_LINE = 500  # longer lines are prose, never a header or an attribution
_ATTRIBUTION_LINES = 3
_LONGEST_ATTRIBUTION = 320
_LONGEST_HEADER_BLOCK = 14  # lines
_LONGEST_SIGNATURE = 12  # non-blank lines
_SHORT_SIGNATURE = 4
_LINES_AFTER_SIGN_OFF = 3  # "Sent from my iPhone" ends a message; a disclaimer may follow
_LONGEST_SIGN_OFF_LINE = 100
_SIGN_OFF_WORDS = 12  # "Sent from my desk, which is easier than my phone, ..." is prose


@dataclass(slots=True)
class Line:
    text: str  # the line's words: quote marks and surrounding white space removed
    depth: int = 0  # quote depth: ">" marks in text, cited containers in HTML
    starts_history: bool = False  # the markup says a client's reply header starts here
    starts_signature: bool = False  # a signature surely starts here ("-- " in text, a container in HTML)
    after_rule: bool = False  # a horizontal rule stands just above
    field: str | None = None  # the header field the line is (from, date, ...), set by find_cut


@dataclass(frozen=True)
class Cut:
    signature: int  # first line of the signature; == history when there is none
    history: int  # first line of the quoted history; == len(lines) when nothing is quoted
    column: int = 0  # where in line `history` an attribution starts, when it shares the line with text


def _words(phrases) -> str:
    ordered = sorted({p.casefold() for p in phrases}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def _table(key: str) -> list[str]:
    return [phrase for language in LANGUAGES.values() for phrase in language[key]]


_SPACES = re.compile(r"\s+")
_FIELD_KINDS = {
    _SPACES.sub(" ", name.casefold()): kind
    for language in LANGUAGES.values()
    for kind, names in language["fields"].items()
    for name in names
}
_FIELD = re.compile(r"^[*_\s]*([^\W\d_][^:]{0,28}?)[\s*_]*:(?:\s|\*|_|$)")
_WROTE = re.compile(r"(?<!\w)(?:" + _words(_table("wrote")) + r")(?!\w)", re.IGNORECASE)
_LEAD_AT_START = re.compile(r"^(?:" + _words(_table("lead")) + r")\s", re.IGNORECASE)
_LEAD_FIRST_WORDS = frozenset(phrase.split()[0].casefold() for phrase in _table("lead"))
_LEAD_INSIDE = re.compile(
    r"(?<=[.!?,;)]\s)(?:" + "|".join(re.escape(p) for p in sorted(set(_table("lead")), key=len, reverse=True)) + r")\s"
)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_ENDS_WITH_ADDRESS = re.compile(r"@[\w-]+(?:\.[\w-]+)+\s*[>\])]*\s*\)?\s*:$")
_SENDER_VALUE = re.compile(r"[^\W\d_]|@")
_DATED_ADDRESS = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?:\s*GMT[+-]\d{2}:\d{2})?)?\s+[^<>]{0,80}<[^<>@\s]+@[^<>\s]+>:?$"
)
_DECORATION = " \t-–—_=*#~.:|<>()[]"
_SEPARATORS = frozenset(_SPACES.sub(" ", p.casefold()) for p in _table("original"))
_FORWARD = re.compile(r"^(?:" + _words(_table("forwarded")) + r")")
_SIGN_OFF = re.compile(r"^(?:" + _words(_table("signature")) + r")", re.IGNORECASE)
_SIGN_OFF_STARTS = frozenset(phrase[:3].casefold() for phrase in _table("signature"))
_INLINE_ANSWERS = re.compile(_words(INLINE_ANSWERS), re.IGNORECASE)
_MARKER = re.compile(r"^[\W_]*(?:" + _words(MARKERS) + r")[\W_]*$", re.IGNORECASE)
_SHORTEST_MARKER = min(len(marker) for marker in MARKERS)
_RULE = re.compile(r"^(?:_{5,}|-{5,}|={5,})$")
_LIST_FOOTER = re.compile(r"mailing list|listinfo|@lists\.|lista dyskusyjna", re.IGNORECASE)


def find_cut(lines: list[Line]) -> Cut:
    """Where the signature and the quoted history start (see the module's rules)."""
    count = len(lines)
    for line in lines:
        line.field = _field_kind(line.text) if len(line.text) <= LONGEST_LINE else None
    start = _history_start(lines)
    if start is None:
        return Cut(_signature_start(lines, 0, count), count)
    index, column, bounded = start
    if bounded and _text_after_quote(lines, index):  # answers between quotes: all shown but the history below
        end = _trailing_history(lines, index + 1) or count
        floor = max((i for i, line in enumerate(lines[:end]) if line.depth), default=-1) + 1
        return Cut(_signature_start(lines, floor, end), end)
    if not (column or any(line.text for line in lines[:index])) or _answers_inline(lines[:index]):
        return Cut(count, count)  # nothing of the customer's before the quote, or answers inside it
    return Cut(_signature_start(lines, 0, index), index, column)


def _history_start(lines: list[Line]) -> tuple[int, int, bool] | None:
    """(line, column, bounded) of the first quote; bounded quotes may have customer text after them."""
    for index, line in enumerate(lines):
        if len(line.text) <= LONGEST_LINE and _is_forward(line.text):
            return None  # a forwarded message (even in a client's quote container) is what the customer shows
        found = _start_at(lines, index)
        if found:
            return found
    return None


def _start_at(lines: list[Line], index: int) -> tuple[int, int, bool] | None:
    """(line, column, bounded) when quoted history starts at this line."""
    line = lines[index]
    text = line.text
    if len(text) > LONGEST_LINE:
        return None
    if line.starts_history or (_SHORTEST_MARKER <= len(text) < 80 and _MARKER.match(text)):
        return index, 0, False
    if line.depth:
        return index, 0, True
    if _is_separator(text):
        return index, 0, False
    if _is_header_block(lines, index):
        rule_above = index and _RULE.match(lines[index - 1].text)
        return (index - 1 if rule_above else index), 0, False
    attribution = _attribution(lines, index)
    if attribution:
        size, column, strong = attribution
        following = next((line for line in lines[index + size :] if line.text), None)
        if following is not None and following.depth:
            return index, column, True
        if strong and following is not None:
            return index, column, False
    return None


def _trailing_history(lines: list[Line], start: int) -> int | None:
    """Where the history below the customer's last words starts, after answers between quotes: a quote
    header (at depth 0, or opening a quote as in Gmail's container) with no customer text below it."""
    depth_above = next((line.depth for line in reversed(lines[:start]) if line.text), 0)
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.text:
            continue
        opens_quote, depth_above = line.depth and not depth_above, line.depth
        if line.depth and not (opens_quote and _is_quote_header(lines, index)):
            continue
        found = (index, 0, True) if line.depth else _start_at(lines, index)
        if found and not found[1] and not (found[2] and _text_after_quote(lines, index)):
            return found[0]
    return None


def _is_quote_header(lines: list[Line], index: int) -> bool:
    line = lines[index]
    return bool(line.starts_history or _is_separator(line.text) or _is_header_block(lines, index)) or bool(
        _attribution(lines, index)
    )


def _attribution(lines: list[Line], index: int) -> tuple[int, int, bool] | None:
    """(lines it spans, column it starts at, strong) when an attribution starts on this line."""
    first = lines[index]
    text = first.text
    if not text:
        return None
    plain = text[-1] not in ":->" and not text[0].isdigit() and "@" not in text
    if plain and (text.split(None, 1)[0].casefold() not in _LEAD_FIRST_WORDS or not _LEAD_AT_START.match(text)):
        return None  # no attribution ends, starts or wraps on this line
    if _DATED_ADDRESS.match(first.text):  # "2012/7/19 Name <a@b>" (older Gmail), weak: needs a quote below
        return 1, 0, False
    may_wrap = bool(_LEAD_AT_START.match(first.text) or first.text[0].isdigit() or _EMAIL.search(first.text))
    if not may_wrap and first.text[-1] not in ":-":
        return None
    joined = ""
    for size, line in enumerate(lines[index : index + _ATTRIBUTION_LINES], start=1):
        if not line.text or line.depth != first.depth or (size > 1 and not may_wrap):
            return None
        joined = f"{joined} {line.text}" if joined else line.text
        if len(joined) > _LONGEST_ATTRIBUTION:
            return None
        found = _is_attribution(joined)
        if found is not None:
            column, strong = found
            return size, column, strong
    return None


def _is_attribution(text: str) -> tuple[int, bool] | None:
    dashed = text.rstrip().endswith("-")
    core = text.strip(" \t-–—*_")
    if not (core.endswith(":") or (dashed and _WROTE.search(core[-40:]))):
        return None
    if not (_WROTE.search(core) or _ENDS_WITH_ADDRESS.search(core)):
        return None
    if not (any(char.isdigit() for char in core) or _EMAIL.search(core)):
        return None
    inside = None if _LEAD_AT_START.match(core) else _LEAD_INSIDE.search(text)
    column = inside.start() if inside else 0
    return column, bool(_EMAIL.search(core))  # only a sender's address makes it strong enough to cut unquoted text


def _field_kind(text: str) -> str | None:
    match = _FIELD.match(text)
    return _FIELD_KINDS.get(" ".join(match.group(1).casefold().split())) if match else None


def _is_header_block(lines: list[Line], index: int) -> bool:
    """A run of header fields naming a sender and a date or subject (or three fields, or a sender
    right under a rule), with an address in it unless it has four fields; a value may wrap onto one
    line, a list of addresses onto three."""
    if lines[index].field is None or (
        index and lines[index - 1].field and lines[index - 1].depth == lines[index].depth
    ):
        return False  # not a field, or inside a run of fields already weighed from its first line
    kinds: set[str] = set()
    wrapped = 0  # value lines since the last field
    addressed = False
    for line in lines[index : index + _LONGEST_HEADER_BLOCK]:
        kind = line.field if line.depth == lines[index].depth else None
        if kind == "from" and not _SENDER_VALUE.search(line.text.partition(":")[2]):
            kind = None  # "Od: 8:00" is an opening hour, not a sender
        if kind:
            kinds.add(kind)
            wrapped = 0
        elif line.text and kinds and (not wrapped or (wrapped < 3 and "@" in line.text)):
            wrapped += 1  # a wrapped value; a long list of recipients may take a few lines
        else:
            break
        addressed = addressed or "@" in line.text
    if "from" not in kinds:
        return False
    if lines[index].after_rule or (index and _RULE.match(lines[index - 1].text)):
        return True
    if not addressed:  # "From: Warsaw / To: Berlin / Date: 5.11" in a customer's text is no header
        return len(kinds) >= 4
    return bool(kinds & {"date", "subject"}) or len(kinds) >= 3


def _bare(text: str) -> str:
    return _SPACES.sub(" ", text.strip(_DECORATION).casefold())


def _is_separator(text: str) -> bool:
    decorated = text[:2].strip("-_=*") == "" or text.endswith(":")
    return decorated and _bare(text) in _SEPARATORS


def _is_forward(text: str) -> bool:
    if len(text) > 80 or (text[:1].isalpha() and not text.endswith(":")):
        return False  # forward lines are decorated ("---- Forwarded message ----") or end with a colon
    return bool(_FORWARD.match(_bare(text)))


def _text_after_quote(lines: list[Line], index: int) -> bool:
    """Does the customer write anything at depth 0 after the quote starting at `index`?"""
    position = index
    while position < len(lines):
        line = lines[position]
        if line.depth or not line.text:
            position += 1
            continue
        if line.starts_history or _is_header_block(lines, position) or _is_separator(line.text):
            return False  # older history below the quote
        attribution = _attribution(lines, position)
        if attribution:
            position += attribution[0]
            continue
        return not (position > index and _signature_start(lines, position, len(lines)) == position)
    return False


def _signature_start(lines: list[Line], floor: int, end: int) -> int:
    """The first sign-off in lines[floor:end] short enough to be one, with words of the customer above it."""
    for index in range(floor, end):
        if not _is_sign_off(lines, index, end):
            continue
        block = [other.text for other in lines[index:end] if other.text]
        if len(block) > _signature_limit(lines[index]):
            continue
        if any(len(text) > _LONGEST_SIGN_OFF_LINE for text in block):
            continue  # prose, not a signature
        if any(other.text for other in lines[:index]):
            return index
    return end


def _signature_limit(line: Line) -> int:
    """How many non-blank lines a signature starting at `line` may have."""
    if line.starts_signature:  # the RFC 3676 "-- " line, or the client's signature container
        return _LONGEST_SIGNATURE
    if line.text == "--":  # typed by hand: also a separator in lists, so only a short block
        return _SHORT_SIGNATURE
    return _LINES_AFTER_SIGN_OFF + 1


def _is_sign_off(lines: list[Line], index: int, end: int) -> bool:
    line = lines[index]
    if line.starts_signature or line.text == "--":
        return True
    text = line.text
    if text[:3].casefold() in _SIGN_OFF_STARTS and len(text) <= _LONGEST_SIGN_OFF_LINE:
        prose = ", " in text or len(text.split()) > _SIGN_OFF_WORDS
        return not prose and bool(_SIGN_OFF.match(text))
    if re.fullmatch(r"_{10,}", line.text):
        return any(_LIST_FOOTER.search(other.text) for other in lines[index + 1 : min(end, index + 4)])
    return False


def _answers_inline(lines: list[Line]) -> bool:
    return any(_INLINE_ANSWERS.search(line.text) for line in lines)
