"""Where a query matched a search result's shown fields, for marking it: pure functions over str.

The index and the query are folded (search.normalize); a shown value is folded character by character
so that a match found in the folded text maps back onto the characters as the shop wrote them.
"""

from dataclasses import dataclass

from crm.text import unaccent

Span = tuple[int, int]
Part = tuple[str, bool]  # a piece of the value, and whether the query matched it


@dataclass
class Field:
    label: str
    parts: list[Part]

    @property
    def matched(self) -> bool:
        return any(hit for _text, hit in self.parts)


def match_spans(value: str, forms: list[str]) -> list[Span]:
    """Where any of the folded `forms` occurs in `value`: letters folded, digits also read without the
    spaces and dashes between them (a phone "+48 600 100 200" holds "600100200")."""
    spans = _spans(_folded(value, digits_only=False), forms) if value else []
    digit_forms = [form for form in forms if form.isdigit()]
    if digit_forms:
        spans += _spans(_folded(value, digits_only=True), digit_forms)
    return _merged(spans)


def marked(value: str, forms: list[str]) -> list[Part]:
    """`value` cut into pieces, each saying whether the query matched it."""
    parts: list[Part] = []
    position = 0
    for start, end in match_spans(value, forms):
        if start > position:
            parts.append((value[position:start], False))
        parts.append((value[start:end], True))
        position = end
    if position < len(value):
        parts.append((value[position:], False))
    return parts


def _folded(value: str, *, digits_only: bool) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the character it came from."""
    text, origin = [], []
    for index, char in enumerate(value):
        folded = (char if char.isdigit() else "") if digits_only else unaccent(char)
        text.append(folded)
        origin += [index] * len(folded)
    return "".join(text), origin


def _spans(folded: tuple[str, list[int]], forms: list[str]) -> list[Span]:
    text, origin = folded
    spans = []
    for form in forms:
        start = text.find(form) if form else -1
        while start >= 0:
            spans.append((origin[start], origin[start + len(form) - 1] + 1))
            start = text.find(form, start + 1)
    return spans


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
