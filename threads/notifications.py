"""Telling a staff member that a thread was handed over to them (forward / hand over)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from crm.preferences import mail_language
from pok.connections import ConnectionFailed, close_quietly, open_smtp

log = logging.getLogger(__name__)


def notify_new_owner(thread, owner, actor) -> bool:
    """Mail the new owner a link to the thread through the POK's SMTP; returns whether it went out."""
    if owner is None or owner == actor or not owner.email or not thread.pok.from_address:
        return False
    pok = thread.pok
    link = settings.CRM_BASE_URL.rstrip("/") + reverse("threads:detail", args=[thread.public_id])
    with translation.override(mail_language(owner) or pok.language):  # the recipient's language
        body = render_to_string("threads/mail/handover.txt", {"thread": thread, "actor": actor, "link": link})
        subject = render_to_string("threads/mail/handover_subject.txt", {"thread": thread}).strip()
    mail = EmailMessage(subject=subject, body=body, from_email=pok.from_address, to=[owner.email])
    try:
        client = open_smtp(pok)
        try:
            client.sendmail(pok.from_address, [owner.email], mail.message().as_bytes())
        finally:
            close_quietly(client)
    except (ConnectionFailed, OSError) as error:
        log.warning("hand-over notice for thread %s not sent to %s: %s", thread.public_id, owner.get_username(), error)
        return False
    return True
