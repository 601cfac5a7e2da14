"""Builders of raw test mail (bytes as a client would send them)."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def mail(
    subject="Pytanie",
    body="Dzień dobry",
    sender="Jan Kowalski <jan@example.pl>",
    to="bok@shop.example",
    message_id=None,
    in_reply_to=None,
    references=None,
    headers=None,
    attachments=(),
    when=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(when or timezone.now())
    if message_id != "":
        message["Message-ID"] = message_id or make_msgid(domain="example.pl")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, payload, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def legacy_mail(subject: str, body: str, charset: str, sender_name: str = "Zażółć Gęślą") -> bytes:
    """A single-part mail in a legacy charset, as old Polish clients send it."""
    from email.header import Header

    subject_header = Header(subject, charset).encode()
    name_header = Header(sender_name, charset).encode()
    head = (
        f"From: {name_header} <zg@example.pl>\r\nTo: bok@shop.example\r\nSubject: {subject_header}\r\n"
        f"Message-ID: {make_msgid(domain='example.pl')}\r\nDate: {format_datetime(timezone.now())}\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("ascii") + body.encode(charset) + b"\r\n"
