"""HTML replies: the cut is decided on the DOM, the text is derived from the same walk (spec 12).

The body is read into a small tree once. Laying it out as a browser would gives the lines of text
(`html_to_text`), each with its quote depth and what the markup says about it: a client's reply
container (gmail_quote, divRplyFwdMsg, moz-cite-prefix, blockquote...), a signature container, a
rule above. `lines.find_cut` decides on those lines exactly as for plain text; each piece of the
tree goes to the part its line fell in, and every part is written back as HTML with its
ancestors, so what the page shows is what the text says.
"""

import re
from html import escape
from html.parser import HTMLParser

from threads.splitting.lines import Cut, Line, find_cut

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_HIDDEN = frozenset({"script", "style", "head", "title", "template"})
_BLOCKS = frozenset(
    {
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
    }
)
_MAX_DEPTH = 250  # deeper elements are read as part of their ancestor
# Reply containers by class (Outlook on the web prefixes copied classes and ids with "x_").
_QUOTE_CLASSES = frozenset(
    {
        "gmail_quote",
        "gmail_quote_container",
        "gmail_extra",
        "yahoo_quoted",
        "moz-cite-prefix",
        "protonmail_quote",
        "tutanota_quote",
        "zmail_extra",
        "mail_quote",
        "quote",
        "quoted",
        "wmquote",
        "aolreplyline",
        "sogo-quote",
    }
)
_HISTORY_IDS = frozenset({"divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container"})
_HISTORY_CLASSES = frozenset({"outlookmessageheader", "reply-header"})
_SIGNATURE_IDS = frozenset({"signature", "ms-outlook-mobile-signature", "applemailsignature"})
_SIGNATURE_CLASSES = frozenset({"gmail_signature", "moz-signature", "signature", "yahoo_signature", "zmail_signature"})
_NO_BORDER = re.compile(r"border\s*:\s*none", re.IGNORECASE)
_BORDER_TOP = re.compile(r"border-top\s*:[^;\"']*solid", re.IGNORECASE)


class _Node:
    __slots__ = ("tag", "raw", "children", "line", "parts", "cut_at")

    def __init__(self, tag: str | None, raw: str):
        self.tag = tag  # None for text
        self.raw = raw  # the start tag as written, or the text escaped
        self.children: list[_Node] = []
        self.line = 0  # the line the node starts on
        self.parts = 0  # bit set of the parts (own, signature, history) the node has content in
        self.cut_at: int | None = None  # text split between own (before) and history (after)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("", "")
        self.stack = [self.root]
        self.hints: dict[int, tuple[str, ...]] = {}  # id(node) -> what the markup says about it

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs, void=tag in _VOID)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs, void=True)

    def _open(self, tag, attrs, void):
        if len(self.stack) > _MAX_DEPTH and not void:
            return
        node = _Node(tag, self.get_starttag_text() or f"<{tag}>")
        self.stack[-1].children.append(node)
        hints = _hints(tag, attrs)
        if hints:
            self.hints[id(node)] = hints
        if not void:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for position in range(len(self.stack) - 1, 0, -1):
            if self.stack[position].tag == tag:
                del self.stack[position:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(_Node(None, data))


def _hints(tag: str, attrs) -> tuple[str, ...]:
    values = {name: (value or "") for name, value in attrs}
    classes = {re.sub(r"^x_", "", token.lower()) for token in values.get("class", "").split()}
    element_id = re.sub(r"^x_", "", values.get("id", "").lower())
    hints = []
    indent = tag == "blockquote" and _NO_BORDER.search(values.get("style", "")) and not classes  # Gmail's indent
    if (tag == "blockquote" and not indent) or classes & _QUOTE_CLASSES or values.get("name", "").lower() == "quote":
        hints.append("quote")
    if element_id in _HISTORY_IDS or classes & _HISTORY_CLASSES:
        hints.append("history")
    if element_id in _SIGNATURE_IDS or classes & _SIGNATURE_CLASSES:
        hints.append("signature")
    if tag == "hr" or (tag == "div" and _BORDER_TOP.search(values.get("style", ""))):
        hints.append("rule")
    return tuple(hints)


class _Layout:
    """Lays the tree out as text the way `html_to_text` always has: blocks on their own lines,
    paragraphs apart, cells side by side; records each node's line and each line's hints."""

    def __init__(self, hints: dict[int, tuple[str, ...]]):
        self.hints = hints
        self.lines: list[list[str]] = [[]]
        self.nodes: list[list[_Node | None]] = [[]]  # the text node of each piece of each line
        self.meta: list[Line] = [Line("")]
        self.newlines = 0
        self.written = False
        self.depth = 0
        self.has_text: list[bool] = [False]
        self.pending: set[str] = set()

    def walk(self, node: _Node) -> None:
        for child in node.children:
            if child.tag is None:
                child.line = len(self.lines) - 1
                self.text(child.raw, child)
            elif child.tag in _HIDDEN:
                child.line = len(self.lines) - 1
            else:
                self.element(child)

    def element(self, node: _Node) -> None:
        tag = node.tag
        hints = self.hints.get(id(node), ())
        if tag == "br":
            node.line = len(self.lines) - 1
            self.write_breaks(1)
            return
        self.block_break(tag)
        node.line = len(self.lines) - 1
        self.pending.update(hints)  # the flags go to the next line with text, never to one already begun
        quote = "quote" in hints
        self.depth += quote
        self.walk(node)
        self.depth -= quote
        if "signature" in hints:
            self.pending.discard("signature")  # an empty signature container marks nothing below it
        if tag in ("td", "th"):
            self.text(" ")
        else:
            self.block_break(tag)

    def block_break(self, tag: str) -> None:
        wanted = 2 if tag == "p" else 1 if tag in _BLOCKS else 0
        if self.written and wanted > self.newlines:
            self.write_breaks(wanted - self.newlines)

    def write_breaks(self, count: int) -> None:
        self.written = True
        self.newlines += count
        for _ in range(count):
            self.lines.append([])
            self.nodes.append([])
            self.meta.append(Line(""))
            self.has_text.append(False)

    def text(self, data: str, node: _Node | None = None) -> None:
        data = _collapsed(data)
        if not data:
            return
        self.written = True
        self.lines[-1].append(data)
        self.nodes[-1].append(node)
        if data.strip():
            self.newlines = 0
            if not self.has_text[-1]:
                self.has_text[-1] = True
                meta = self.meta[-1]
                meta.depth = self.depth
                meta.starts_history = "history" in self.pending
                meta.starts_signature = "signature" in self.pending
                meta.after_rule = "rule" in self.pending
                self.pending.clear()

    def finish(self) -> list[Line]:
        for parts, meta in zip(self.lines, self.meta, strict=True):
            meta.text = _clean_line("".join(parts))
            if meta.text.startswith(">"):  # a plain-text quote laid out as HTML
                marks = re.match(r"(?:>\s?)+", meta.text).group(0)
                meta.depth += marks.count(">")
                meta.text = meta.text[len(marks) :].strip()
        return self.meta


def _collapsed(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text)


def _clean_line(text: str) -> str:
    return re.sub(r"[ \t\xa0]+", " ", text).strip()


def _joined(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _read(html: str) -> tuple[_Node, list[Line], list[str], _Layout]:
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
    except Exception:  # HTMLParser is lenient, but a body must never fail the message
        pass
    layout = _Layout(builder.hints)
    layout.walk(builder.root)
    texts = [_clean_line("".join(parts)) for parts in layout.lines]
    return builder.root, layout.finish(), texts, layout


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, laid out as a browser would."""
    return _joined(_read(html)[2])


def split_html(html: str) -> tuple[str, str, str, str]:
    """(own HTML, signature HTML, history HTML, own text) of an HTML body."""
    root, lines, texts, layout = _read(html)
    cut = find_cut(lines)
    if cut.history >= len(lines) and cut.signature >= len(lines):
        return html, "", "", _joined(texts)
    own_text = texts[: cut.signature]
    if cut.column:
        if cut.signature == cut.history and _split_line(layout, cut.history, cut.column, texts[cut.history]):
            own_text = [*own_text, texts[cut.history][: cut.column]]
        else:  # the text could not be split where the attribution starts: that line is kept whole
            cut = Cut(min(cut.signature, cut.history + 1), cut.history + 1)
            own_text = texts[: cut.signature]
    _assign(root, cut)
    own, signature, history = (_write(root, bit) for bit in (1, 2, 4))
    return own, signature, history, _joined(own_text)


def _split_line(layout: _Layout, index: int, column: int, text: str) -> bool:
    """Cut line `index` at `column` of its text (an attribution written on the line of the customer's
    words): the text nodes before it become the customer's, the one it starts in is split."""
    written = ""
    for piece, node in zip(layout.lines[index], layout.nodes[index], strict=True):
        for offset in range(len(piece) + 1):
            if len(_collapsed(written + piece[:offset]).lstrip()) == column and piece[offset:].strip():
                if node is None or not text[column:].startswith(piece[offset:].lstrip()[:1]):
                    return False
                node.cut_at = _raw_offset(node.raw, offset)
                return True
        if node is not None:
            node.line = index - 1  # wholly before the attribution: the customer's
        written += piece
    return False


def _raw_offset(raw: str, collapsed_offset: int) -> int:
    """Where in `raw` the character at `collapsed_offset` of its white-space-collapsed form is."""
    position = 0
    for run in re.finditer(r"[ \t\r\n]+|[^ \t\r\n]+", raw):
        blank = run.group(0)[0] in " \t\r\n"
        width = 1 if blank else len(run.group(0))
        if position + width > collapsed_offset:
            return run.start() if blank else run.start() + collapsed_offset - position
        position += width
    return len(raw)


def _assign(node: _Node, cut: Cut) -> int:
    if node.children:
        for child in node.children:
            node.parts |= _assign(child, cut)
    elif node.cut_at is not None:
        node.parts = 1 | 4
    elif node.line < cut.signature:
        node.parts = 1
    else:
        node.parts = 2 if node.line < cut.history else 4
    if node.tag in _HIDDEN:
        node.parts = 1
    return node.parts


def _write(root: _Node, bit: int) -> str:
    out: list[str] = []
    _emit(root, bit, out)
    return "".join(out).strip()


def _emit(node: _Node, bit: int, out: list[str]) -> None:
    """Write the children of `node` that have content in part `bit` (all of them when `bit` is 0)."""
    for child in node.children:
        if bit and not child.parts & bit:
            continue
        if child.tag is None:
            raw = child.raw
            if child.cut_at is not None:
                raw = raw[: child.cut_at] if bit == 1 else raw[child.cut_at :]
            out.append(raw if node.tag in _HIDDEN else escape(raw, quote=False))
        else:
            out.append(child.raw)
            if child.tag not in _VOID:
                _emit(child, 0 if child.tag in _HIDDEN else bit, out)
                out.append(f"</{child.tag}>")
