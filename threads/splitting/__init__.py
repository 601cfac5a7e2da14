"""How a message's text is split for display: what the customer wrote, their signature, the quoted
history (spec 12). One decision for text and HTML (`lines.find_cut`); for HTML it is made on the DOM
and the text is derived from the same walk, so the page shows what is stored and indexed.

Pure functions over str, no database; mailsync stores `reply_text`, the thread page shows `split_message`.
"""

from dataclasses import dataclass
from functools import lru_cache

from threads.splitting.html import html_to_text, split_html
from threads.splitting.patterns import MARKERS
from threads.splitting.text import split_text


@dataclass(frozen=True)
class Split:
    is_html: bool
    own: str  # shown
    signature: str  # folded, one click away
    history: str  # folded, one click away
    text: str  # `own` as plain text: stored as the message's reply_text and indexed


@lru_cache(maxsize=128)  # a thread page shows the same messages on every view; a long HTML mail costs ~10 ms
def split_message(text: str, html: str = "") -> Split:
    """The split of a message as the page shows it: its HTML body when it has one, else its text."""
    if html.strip():
        own, signature, history, own_text = split_html(html)
        return Split(True, own, signature, history, own_text)
    own, signature, history = split_text(text)
    return Split(False, own, signature, history, own)


def reply_text(text: str, html: str = "") -> str:
    """What the customer wrote, as plain text (the message's reply_text)."""
    return split_message(text, html).text


__all__ = ["MARKERS", "Split", "html_to_text", "reply_text", "split_html", "split_message", "split_text"]
