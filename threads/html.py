"""Mail HTML made safe to show: nh3 (ammonia) with a strict allow-list.

No scripts, event handlers, forms, frames or javascript: links survive. Images load only from
the message's own inline attachments (cid:) and small data: rasters; remote images are dropped
until staff ask for them. Style attributes keep only properties that cannot fetch anything.
The result is shown in a sandboxed iframe whose CSP blocks remote loads a second time.
"""

import base64
import hashlib
import re
from dataclasses import dataclass, field

import nh3

from threads.models import Direction
from threads.splitting import Split, split_message

TAGS = (nh3.ALLOWED_TAGS - {"map", "area"}) | {"font", "tfoot"}
ATTRIBUTES = {tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items()} | {
    "*": {"style", "title", "dir", "lang"},
    "table": {"align", "border", "cellpadding", "cellspacing", "width", "bgcolor", "summary"},
    "td": {"align", "valign", "colspan", "rowspan", "width", "height", "bgcolor"},
    "th": {"align", "valign", "colspan", "rowspan", "width", "height", "bgcolor", "scope"},
    "font": {"color", "face", "size"},
}
STYLE_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "line-height",
        "letter-spacing",
        "text-align",
        "text-decoration",
        "text-transform",
        "vertical-align",
        "white-space",
        "width",
        "max-width",
        "min-width",
        "height",
        "border",
        "border-top",
        "border-right",
        "border-bottom",
        "border-left",
        "border-color",
        "border-style",
        "border-width",
        "border-collapse",
        "border-spacing",
        "border-radius",
        "margin",
        "margin-top",
        "margin-right",
        "margin-bottom",
        "margin-left",
        "padding",
        "padding-top",
        "padding-right",
        "padding-bottom",
        "padding-left",
        "display",
    }
)
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid", "data"})
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$", re.IGNORECASE)
_REMOTE = re.compile(r"^https?://", re.IGNORECASE)
_LINK = re.compile(r"^(?:https?://|mailto:|tel:)", re.IGNORECASE)  # relative links mean nothing in a mail


@dataclass
class CleanHtml:
    html: str
    remote_images: int = 0


@dataclass
class _ImageRules:
    inline_urls: dict[str, str]
    show_remote: bool
    blocked: list = field(default_factory=list)

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return value if _LINK.match(value) else None
        if tag != "img" or attribute != "src":
            return value
        if value.lower().startswith("cid:"):
            return self.inline_urls.get(_content_id(value))
        if _SAFE_DATA_IMAGE.match(value):
            return value
        if _REMOTE.match(value):
            if self.show_remote:
                return value
            self.blocked.append(value)
        return None


def _content_id(cid_url: str) -> str:
    return cid_url[4:].strip().strip("<>")


def clean_mail_html(html: str, inline_urls: dict[str, str], show_remote_images: bool = False) -> CleanHtml:
    """Sanitise a mail body; `inline_urls` maps Content-IDs (without <>) to the URL serving that image."""
    rules = _ImageRules(inline_urls, show_remote_images)
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=rules,
        url_schemes=URL_SCHEMES,
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
        link_rel="noopener noreferrer nofollow",
    )
    return CleanHtml(cleaned, remote_images=len(rules.blocked))


@dataclass
class MailBody:
    """What the page shows of one message: the author's own words; their signature and the quoted
    history folded (spec 12)."""

    is_html: bool
    own: str
    signature: str = ""
    quoted: str = ""
    remote_images: int = 0


def mail_body(message, inline_urls: dict[str, str], show_remote_images: bool) -> MailBody:
    """HTML when the mail has it (sanitised), else the text; only customer mail is split (spec 12)."""
    if message.direction != Direction.INCOMING:
        is_html = bool(message.body_html.strip())
        split = Split(is_html, message.body_html if is_html else message.body_text, "", "", "")
    else:
        split = split_message(message.body_text, message.body_html)
    if not split.is_html:
        return MailBody(False, split.own, split.signature, split.history)
    parts = [
        clean_mail_html(part, inline_urls, show_remote_images) for part in (split.own, split.signature, split.history)
    ]
    return MailBody(True, *(part.html for part in parts), sum(part.remote_images for part in parts))


FRAME_STYLE = (
    "body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1f2937;overflow-wrap:anywhere}"
    "img{max-width:100%;height:auto}table{max-width:100%}"
)
# A srcdoc frame inherits the page's Content-Security-Policy too: the page allows this one <style>.
FRAME_STYLE_CSP_SOURCE = f"'sha256-{base64.b64encode(hashlib.sha256(FRAME_STYLE.encode()).digest()).decode()}'"


def framed(html: str, show_remote_images: bool) -> str:
    """A whole document for a sandboxed iframe's srcdoc; its CSP is a second wall behind the sanitiser."""
    images = "'self' data: https: http:" if show_remote_images else "'self' data:"
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src {images}; '
        "style-src 'unsafe-inline'\">"
        f'<base target="_blank"><style>{FRAME_STYLE}</style>'
        f"</head><body>{html}</body></html>"
    )
