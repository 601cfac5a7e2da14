"""The reply corpus: cases (cases.toml) rendered through each client's own text and HTML layout (clients.toml).

A case names a client, a language, the header its client writes above the history (`head`: an
attribution line, or a header block of "Name: value" lines), the customer's reply and the shop's
message being answered. `expected` is what staff must see; it defaults to the reply. Layouts:
"top" (the default: reply above the history), "bottom" (below it), "inline" (answers between
quoted lines, `pairs`; both show the whole message) and "inline_history" (answers between quoted
lines above the whole history, which is folded), "same_line" (an attribution written on the line of
the reply's last words).
"""

import re
import tomllib
from dataclasses import dataclass
from html import escape
from pathlib import Path

HERE = Path(__file__).parent
CLIENTS = tomllib.loads((HERE / "clients.toml").read_text(encoding="utf-8"))
_DATA = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Case:
    id: str
    client: str
    lang: str
    text: str  # the text/plain body
    html: str  # the text/html body
    expected: str  # what staff must see (compare with `normal`)
    signature: str  # what must be folded as a signature ("" when none)


def normal(text: str) -> str:
    """Text as compared: each line without quote marks and repeated blanks, blank lines dropped."""
    lines = (re.sub(r"\s+", " ", re.sub(r"^(?:\s*>)+", "", line)).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def cases() -> list[Case]:
    found = []
    counter: dict[str, int] = {}
    for data in _DATA["cases"]:
        key = f"{data['client']}-{data['lang']}"
        counter[key] = counter.get(key, 0) + 1
        found.append(_case(f"{key}-{counter[key]}", data))
    return found


def _case(case_id: str, data: dict) -> Case:
    client = CLIENTS[data["client"]]
    lang = data["lang"]
    layout = data.get("layout", "top")
    quote = data.get("quote", _DATA["quotes"][lang])
    signoff = data.get("signoff", client.get("signoff", ""))
    values = {"head": data["head"], "reply": data.get("reply", ""), "quote": quote, "signoff": signoff}
    signature = data.get("signature", "")
    text_values = {
        **values,
        "head": _quoted_text(data["head"], "gt") if client.get("head_text") == "gt" else data["head"],
        "quote": _quoted_text(quote, client.get("quote_text", "gt")),
        "signature": client.get("signature_text", "-- \n{signature}").format(signature=signature) if signature else "",
        "pairs": "\n".join(f"> {question}\n{answer}\n" for question, answer in data.get("pairs", [])),
    }
    style = client.get("lines", "div")
    html_values = {
        "head": _head_html(data["head"], client),
        "reply": _lines_html(values["reply"], style),
        "reply_plain": escape(values["reply"]),
        "quote": _lines_html(quote, style),
        "signoff": escape(signoff),
        "signature": client.get("signature_html", "<div>-- <br>{signature}</div>").format(
            signature=_lines_html(signature, style)
        )
        if signature
        else "",
        "pairs": "".join(
            client.get("pair_html", '<blockquote type="cite">{question}</blockquote><div>{answer}</div>').format(
                question=_lines_html(question, style), answer=_lines_html(answer, style)
            )
            for question, answer in data.get("pairs", [])
        ),
    }
    suffix = "" if layout == "top" else f"_{layout}"
    text = client["text" + suffix].format(**text_values)
    html = client["html" + suffix].format(**html_values)
    folded = "\n".join(part for part in (text_values["signature"], signoff) if part)
    return Case(case_id, data["client"], lang, text, html, data.get("expected", values["reply"]), folded)


def _quoted_text(quote: str, how: str) -> str:
    if how == "plain":
        return quote
    return "\n".join(f"> {line}" if line else ">" for line in quote.splitlines())


def _lines_html(text: str, style: str) -> str:
    lines = text.splitlines()
    if style == "br":
        return "<br>".join(escape(line) for line in lines)
    if style == "p":
        paragraphs = text.split("\n\n")
        return "".join("<p>" + "<br>".join(escape(line) for line in p.splitlines()) + "</p>" for p in paragraphs)
    if style == "mso":
        return "".join(
            f'<p class="MsoNormal">{escape(line)}<o:p></o:p></p>'
            if line
            else '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
            for line in lines
        )
    tag = 'div dir="auto"' if style == "auto" else 'div dir="ltr"' if style == "ltr" else "div"
    return "".join(f"<{tag}>{escape(line)}</div>" if line else f"<{tag}><br></div>" for line in lines)


def _head_html(head: str, client: dict) -> str:
    lines = head.splitlines()
    field = client.get("field_html")
    if not field:  # an attribution, however the text variant wraps it
        return escape(" ".join(lines))
    rendered = []
    for line in lines:
        name, colon, value = line.partition(":")
        if colon and len(name) < 30 and not re.search(r"\d", name):
            rendered.append(
                field.format(name=escape(name.rstrip()), value=escape(value.strip()), sep=name[len(name.rstrip()) :])
            )
        else:
            rendered.append(escape(line))
    return client.get("field_join", "<br>").join(rendered)
