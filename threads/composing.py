"""The outgoing mail of a thread: headers, the marker line, text and HTML parts (spec 12)."""

from dataclasses import dataclass
from email.utils import formataddr, make_msgid

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from crm.preferences import mail_language
from threads.models import PokSignature, StaffSignature, Thread
from threads.public_ids import bare_subject

MARKERS = {"pl": "Wpisz odpowiedź powyżej tej linii", "en": "Type your reply above this line"}
MAX_REFERENCES = 10  # the newest ids only: keeps the header block far below what relays accept


@dataclass
class OutgoingFile:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


@dataclass
class Composed:
    message_id: str  # without <>
    subject: str
    raw: bytes
    in_reply_to: str
    references: list[str]


def thread_subject(thread: Thread, subject: str = "") -> str:
    """`[#XXXXXXX] subject`: the token once, no piled-up "Re:"."""
    return f"[{thread.token}] {bare_subject(subject or thread.subject)}".strip()


@dataclass
class Signatures:
    staff: str = ""  # the author's own lines
    pok: str = ""  # the service point's, in its language; empty: its from name


def signatures_for(pok, author, language: str = "") -> Signatures:
    """The signatures a reply by `author` from `pok` ends with: the POK's in the mail's language if it has
    one, else in the POK's language."""
    staff = StaffSignature.objects.filter(user=author).values_list("text", flat=True).first() if author else ""
    wanted = [language or pok.language, pok.language]
    shops = dict(PokSignature.objects.filter(pok=pok, language__in=wanted).values_list("language", "text"))
    shop = shops.get(wanted[0]) or shops.get(wanted[1])
    return Signatures((staff or "").strip(), (shop or "").strip())


def writer_language(pok, author) -> str:
    """What the CRM adds to a reply (the marker line, the quote header, "Case") is in the language its
    author chose for themselves, else in the POK's."""
    return mail_language(author) or pok.language


def compose(
    thread: Thread,
    text: str,
    recipient: str,
    files: list[OutgoingFile],
    reply_to=None,
    cc=(),
    signatures=None,
    language: str = "",
) -> Composed:
    """Build the mail in `language` (default: the POK's); `reply_to` is the customer's message it answers
    (None for a new thread).

    Bcc is not composed: it is no header, only the envelope (outbox.envelope_recipients)."""
    pok = thread.pok
    domain = pok.from_address.rpartition("@")[2] or "localhost"
    message_id = make_msgid(domain=domain)[1:-1]
    references = _references(reply_to)
    language = language or pok.language
    context = {
        "marker": MARKERS.get(language, MARKERS["en"]),
        "text": text,
        "thread": thread,
        "pok": pok,
        "quoted": reply_to,
        "signatures": signatures or Signatures(),
    }
    with translation.override(language):
        body = render_to_string("threads/mail/reply.txt", context)
        html = render_to_string("threads/mail/reply.html", context)
    headers = {"Message-ID": f"<{message_id}>"}
    if references:
        headers["In-Reply-To"] = f"<{references[-1]}>"
        headers["References"] = " ".join(f"<{r}>" for r in references)
    subject = thread_subject(thread)
    mail = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=_from_header(pok),
        to=[recipient],
        cc=list(cc),
        headers=headers,
    )
    mail.attach_alternative(html, "text/html")
    for file in files:
        mail.attach(file.filename, file.content, file.content_type)
    return Composed(
        message_id, subject, mail.message().as_bytes(linesep="\r\n"), references[-1] if references else "", references
    )


def _references(reply_to) -> list[str]:
    if reply_to is None or not reply_to.message_id or reply_to.message_id.startswith("sha256:"):
        return []
    earlier = reply_to.references.split() if reply_to.references else []
    return (earlier + [reply_to.message_id])[-MAX_REFERENCES:]


def _from_header(pok) -> str:
    return formataddr((pok.from_name, pok.from_address)) if pok.from_name else pok.from_address
