"""HTML replies: the same split made on the markup."""

import re

from threads.splitting.text import MARKERS

_HTML_SPACE = r"(?:\s|&nbsp;|&#160;|&#xa0;)+"
_HTML_CHAR = r"(?:{char}|&#\d+;|&#x[0-9a-f]+;|&[a-z]+;)"


def _html_marker_pattern(marker: str) -> str:
    parts = []
    for char in marker:
        if char == " ":
            parts.append(_HTML_SPACE)
        elif char.isascii():
            parts.append(re.escape(char))
        else:
            parts.append(_HTML_CHAR.format(char=re.escape(char)))
    return "".join(parts)


_HTML_MARKER = re.compile("|".join(_html_marker_pattern(m) for m in MARKERS), re.IGNORECASE)
# Where a client starts the quoted part; the earliest one in the document wins.
_HTML_QUOTE_STARTS = re.compile(
    r"<div[^>]*\bclass=[\"'][^\"']*\b(?:gmail_quote|moz-cite-prefix|yahoo_quoted)\b"
    r"|<div[^>]*\bid=[\"']?(?:divRplyFwdMsg|appendonsend)\b"
    r"|<hr[^>]*>\s*<div[^>]*\bid=[\"']?divRplyFwdMsg\b"
    r"|<div[^>]*\bstyle=[\"'][^\"']*border-top:\s*solid[^>]*>\s*(?:<p[^>]*>\s*)?(?:<[^>]+>\s*)*(?:From|Od|Von)\s*:"
    r"|<blockquote[^>]*\btype=[\"']?cite\b",
    re.IGNORECASE,
)
_BLOCK_OPEN = re.compile(r"<(?:p|div|td|tr|table|blockquote|hr|br|span|font)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_DECORATION = re.compile(r"[\s\-–—=_*#~.:|]")
_MARKER_WINDOW = 2000  # characters before the marker searched for its element


def split_reply_html(html: str) -> tuple[str, str]:
    """The same split for HTML bodies; the head is HTML (possibly with unclosed tags, which the
    sanitiser closes)."""
    quote = _HTML_QUOTE_STARTS.search(html)
    cuts = [cut for cut in (quote.start() if quote else None, _marker_cut(html)) if cut is not None]
    if cuts:
        cut = min(cuts)
        if _visible_text(html[:cut]):
            return html[:cut].rstrip(), html[cut:]
    return html, ""


def _marker_cut(html: str) -> int | None:
    """Before the outermost element holding our marker with nothing visible but dashes before it."""
    marker = _HTML_MARKER.search(html)
    if not marker:
        return None
    window = max(0, marker.start() - _MARKER_WINDOW)
    for opening in _BLOCK_OPEN.finditer(html, window, marker.start()):
        if not _DECORATION.sub("", _visible_text(html[opening.end() : marker.start()])):
            return opening.start()
    return marker.start()


def _visible_text(html: str) -> str:
    text = _TAG.sub("", re.sub(r"(?is)<(style|script|head)\b.*?</\1>", "", html))
    return re.sub(r"&nbsp;|&#160;|\s", "", text)
