"""Plain-text replies: lines with their ">" depth, cut where `lines.find_cut` says (spec 12)."""

import re

from threads.splitting.lines import LONGEST_LINE, Line, find_cut

_QUOTE_MARKS = re.compile(r"^[ \t]*((?:>[ \t]?)*)")


def split_text(text: str) -> tuple[str, str, str]:
    """(what the customer wrote, their signature, the quoted history), each verbatim from `text`;
    own + signature + history hold every non-blank line of it, in order."""
    raw = text.splitlines(keepends=True)
    lines = [_line(line) for line in raw]
    cut = find_cut(lines)
    start = cut.history
    if cut.column:
        line = raw[start]
        head = [*raw[:start], line[: _column_in_raw(line, cut.column)]]
        history = line[_column_in_raw(line, cut.column) :] + "".join(raw[start + 1 :])
    else:
        floor = cut.signature + 1 if cut.signature < cut.history else 0
        while start < len(lines) and start > floor and not lines[start - 1].text:  # blank lines go with the history
            start -= 1
        head, history = raw[:start], "".join(raw[start:])
    signature = cut.signature if cut.signature < cut.history else len(head)
    return _trimmed(head[:signature]), _trimmed(head[signature:]), history


def _line(raw: str) -> Line:
    if len(raw) > LONGEST_LINE or not raw.lstrip(" \t").startswith(">"):
        text = raw.strip()
        return Line(text, 0, False, text == "--" and raw.rstrip("\r\n") == "-- ")  # "-- ": RFC 3676
    marks = _QUOTE_MARKS.match(raw).group(1)
    return Line(raw[len(marks) :].strip(), depth=marks.count(">"))


def _column_in_raw(raw: str, column: int) -> int:
    """`column` counts in the stripped line; the raw one may have leading blanks or quote marks."""
    marks = _QUOTE_MARKS.match(raw).group(1)
    rest = raw[len(marks) :]
    return len(marks) + (len(rest) - len(rest.lstrip())) + column


def _trimmed(lines: list[str]) -> str:
    """The lines without blank lines around them (the first line's indentation is kept)."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "".join(lines[start:end]).rstrip(" \t\r\n") if end > start else ""
