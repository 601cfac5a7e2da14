"""Erasure of one e-mail address from the CRM (GDPR art. 17).

Erasure removes the CRM's part: the threads of the address, and in other threads what the person wrote
and what we wrote to them. Other people's mail that only names the address as a recipient is theirs and
stays. The mirror stays too: PrestaShop is its source and the next import would bring it back, so the
shop accounts are erased in PrestaShop. The Erasure record keeps a keyed hash of the address, never the
address itself.
"""

import logging

from django.db import transaction

from crm.storage import STORAGE_ERRORS
from customers.models import Disclosure, Erasure
from threads import services
from threads.gdpr.collect import PersonalData, collect, email_hash

log = logging.getLogger(__name__)


def erase(email: str, actor) -> Erasure:
    """Remove the CRM's data of `email` and record that it happened; stored files go after the commit."""
    with transaction.atomic():
        data = collect(email)
        files = _stored_files(data)
        messages, attachments = len(data.erasable_messages), len(data.erasable_attachments)
        threads_removed = services.erase_mail(data.threads, messages=data.erasable_others)
        Disclosure.objects.filter(email=data.email).delete()
        record = Erasure.objects.create(
            email_hash=email_hash(data.email),
            performed_by=actor,
            performed_by_name=actor.get_username(),
            threads_removed=threads_removed,
            messages_removed=messages,
            attachments_removed=attachments,
            disclosures_removed=len(data.disclosures),
            disclosure_recipients="\n".join(sorted({d.recipient for d in data.disclosures})),
            shop_customers_kept=len(data.accounts),
        )
        transaction.on_commit(lambda: _delete_files(files))
    log.info("Personal data erased: erasure %s, %s threads, %s messages", record.pk, threads_removed, messages)
    return record


def _stored_files(data: PersonalData) -> list:
    files = [message.raw for message in data.erasable_messages if message.raw]
    files += [attachment.file for attachment in data.erasable_attachments if attachment.file]
    return [(file.storage, file.name) for file in files]


def _delete_files(files) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except STORAGE_ERRORS as error:
            # The rows are gone already; a file left behind is reported, not fatal.
            log.warning("Could not delete stored file %s after an erasure: %s", name, error)
