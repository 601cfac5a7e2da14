"""Readable text of an HTML mail body, laid out as a browser would."""

import re
from html.parser import HTMLParser


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, for mail that has no text part."""
    extractor = _HtmlText()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser is lenient, but a body must never fail the message
        pass
    text = "".join(extractor.parts)
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _HtmlText(HTMLParser):
    """Text of HTML as a browser lays it out: blocks on their own lines, paragraphs apart."""

    _BLOCKS = frozenset(
        [
            "address",
            "article",
            "blockquote",
            "dd",
            "div",
            "dl",
            "dt",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "ol",
            "pre",
            "section",
            "table",
            "tr",
            "ul",
        ]
    )
    _PARAGRAPHS = frozenset({"p"})
    _HIDDEN = frozenset({"script", "style", "head", "title", "template"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.newlines = 0  # how many line breaks end the text so far (spaces aside)

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._write("\n")
        else:
            self._break(tag)

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("td", "th"):
            self._write(" ")
        else:
            self._break(tag)

    def handle_data(self, data):
        if not self.hidden:
            self._write(re.sub(r"[ \t\r\n]+", " ", data))

    def _break(self, tag: str) -> None:
        wanted = 2 if tag in self._PARAGRAPHS else 1 if tag in self._BLOCKS else 0
        if self.parts and wanted > self.newlines:
            self._write("\n" * (wanted - self.newlines))

    def _write(self, text: str) -> None:
        """``text`` is either line breaks only or data without line breaks."""
        self.parts.append(text)
        if text.startswith("\n"):
            self.newlines += len(text)
        elif text.strip():
            self.newlines = 0
