from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pok.failures import Failure
from pok.models import Language, Pok
from threads.public_ids import FreshIds

FRESH_IDS = FreshIds()


class Status(models.TextChoices):
    NEW = "new", _("new")
    WAITING = "waiting", _("waiting")
    ARCHIVED = "archived", _("archived")
    # Blocked senders and mail the server calls spam: the POK's Spam view, never the INBOX.
    SPAM = "spam", _("spam")


# What a person may choose in the status form; spam has its own buttons ("Spam", "Not spam").
CHOSEN_STATUSES = [(s.value, s.label) for s in (Status.NEW, Status.WAITING, Status.ARCHIVED)]


INBOX = models.Q(status__in=[Status.NEW, Status.WAITING])


class Thread(models.Model):
    pok = models.ForeignKey(Pok, on_delete=models.PROTECT, related_name="threads", verbose_name=_("service point"))
    public_id = models.CharField(_("thread id"), max_length=7, unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    customer_email = models.CharField(_("customer e-mail"), max_length=255, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=255, blank=True)
    # Whom the first message was addressed to (the "To" column): a POK mailbox can receive for several addresses.
    recipient = models.CharField(_("to"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_threads",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    # When the latest customer message arrived (not its Date header): unread marks compare with it.
    # Any change a list shows (status, owner, counters): the open lists' "has anything changed" poll reads it.
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    last_customer_at = models.DateTimeField(_("last customer message arrived"), null=True, blank=True, editable=False)
    # Kept on the thread so that lists can mark them without extra queries.
    has_problem = models.BooleanField(_("has a message with problems"), default=False)
    has_failed_delivery = models.BooleanField(_("has a reply that failed to send"), default=False)
    # A reply is queued, being sent or waiting for its next automatic try: the thread is marked "sending".
    has_pending_delivery = models.BooleanField(_("has a reply not sent yet"), default=False)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            # The sortable columns of the thread lists (spec 7.6), each closed by the id as the lists' orderings
            # are: a list of one status (Archive) walks one of these in order and stops after one page.
            *(
                models.Index(fields=["pok", "status", *columns, "id"], name=f"thread_pok_status_{name}")
                for name, columns in (
                    ("last", ["last_message_at"]),
                    ("email", ["customer_email"]),
                    ("subject", ["subject"]),
                    ("count", ["message_count"]),
                    ("recipient", ["recipient"]),
                    ("owner", ["owner"]),
                )
            ),
            models.Index(fields=["pok", "last_message_at"], name="thread_pok_last"),
            # INBOX (new + waiting) sorted by a column: a partial index walks it in order and stops
            # after one page, instead of sorting every open thread of the POK.
            *(
                models.Index(fields=["pok", *columns, "id"], name=f"thread_inbox_{name}", condition=INBOX)
                for name, columns in (
                    ("last", ["last_message_at"]),
                    ("email", ["customer_email"]),
                    ("recipient", ["recipient"]),
                    ("subject", ["subject"]),
                    ("owner", ["owner"]),
                    ("status", ["status", "message_count"]),
                )
            ),
            models.Index(fields=["customer_email", "last_message_at"], name="thread_email_last"),
            # My threads: one owner's, in one status or in the INBOX ones, latest message order.
            models.Index(fields=["owner", "status", "last_message_at", "id"], name="thread_owner_status"),
            models.Index(fields=["owner", "last_message_at", "id"], name="thread_inbox_owner_last", condition=INBOX),
            models.Index(
                fields=["pok", "last_message_at"],
                name="thread_undelivered",
                condition=models.Q(has_failed_delivery=True) | models.Q(has_pending_delivery=True),
            ),
            models.Index(fields=["pok", "changed_at"], name="thread_pok_changed"),
            models.Index(fields=["pok", "last_customer_at"], name="thread_pok_customer"),
            # The unread INBOX threads of a user (threads.selectors.pok_panels), without reading the table.
            models.Index(
                fields=["pok", "last_customer_at", "id"],
                name="thread_inbox_customer",
                condition=INBOX & models.Q(last_customer_at__isnull=False),
            ),
            # An owner's threads answered lately: the live poll's browser notifications, the e-mail digests.
            models.Index(fields=["owner", "last_customer_at"], name="thread_owner_customer"),
        ]

    def __str__(self):
        return f"#{self.public_id} {self.subject}"

    def save(self, *args, **kwargs):
        self.assign_public_id()
        super().save(*args, **kwargs)

    def assign_public_id(self) -> None:
        """A fresh public id unless it has one (bulk_create, which skips save(), needs it called)."""
        if not self.public_id:
            self.public_id = FRESH_IDS.take(
                lambda ids: Thread.objects.filter(public_id__in=ids).values_list("public_id", flat=True)
            )

    @property
    def token(self) -> str:
        return f"#{self.public_id}"

    @property
    def undelivered(self) -> bool:
        return self.has_failed_delivery or self.has_pending_delivery


class Direction(models.TextChoices):
    INCOMING = "in", _("incoming")
    OUTGOING = "out", _("outgoing")
    NOTE = "note", _("internal note")


class Delivery(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # A person gave up a failed reply: it is not sent, and no longer holds the thread in the INBOX.
    CANCELLED = "cancelled", _("given up")


# Not delivered and not given up: such a reply keeps its thread new (see README "Sending").
UNDELIVERED = (Delivery.QUEUED, Delivery.SENDING, Delivery.FAILED)
# A reply staff wrote and the customer has not got: what keeps a thread new (acknowledgements do not).
UNDELIVERED_REPLY = models.Q(direction=Direction.OUTGOING, delivery__in=UNDELIVERED, is_acknowledgement=False)


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    # Denormalised from the thread: a Message-ID is unique per POK (spec 11: imported once).
    pok = models.ForeignKey(Pok, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=4, choices=Direction.choices)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    from_name = models.CharField(max_length=255, blank=True)
    from_address = models.CharField(max_length=255, blank=True)
    to = models.TextField(blank=True)
    cc = models.TextField(blank=True)
    # Outgoing only: in the SMTP envelope, never in a header.
    bcc = models.TextField(blank=True)
    date = models.DateTimeField(_("date"))
    subject = models.CharField(max_length=500, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # What the customer wrote, with quoted history cut away (spec 12); body_text keeps it all.
    reply_text = models.TextField(blank=True)
    raw = models.FileField(upload_to="raw/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    parse_problem = models.BooleanField(default=False)
    problem_reason = models.TextField(blank=True)
    is_auto_reply = models.BooleanField(default=False)
    is_bounce = models.BooleanField(_("delivery report"), default=False)
    spam_reason = models.CharField(_("why spam"), max_length=255, blank=True)  # incoming: blocked, or the verdict
    # Incoming: SPF / DKIM / DMARC failures reported by the server, a hint only.
    auth_warning = models.CharField(
        _("authentication warning"), max_length=200, blank=True
    )  # incoming: a report that mail bounced
    # Outgoing: a delivery report came back for it (the SMTP server had taken it: delivery stays "sent").
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_recipient = models.CharField(_("bounced recipient"), max_length=255, blank=True)
    bounce_reason = models.TextField(_("bounce reason"), blank=True)
    unknown_sender = models.BooleanField(default=False)
    too_large = models.BooleanField(default=False)
    # Where a message that stays on the server (too large) lives, so that it is never deleted.
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True)
    imap_uid = models.BigIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    failure = models.CharField(_("failure"), max_length=20, choices=Failure.choices, blank=True)
    # The status its author chose for the thread ("Reply and archive / wait"), applied once it is delivered.
    then_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    # Outgoing: the automatic acknowledgement of a new request (it never holds the thread in the INBOX).
    is_acknowledgement = models.BooleanField(_("acknowledgement"), default=False)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pok", "message_id"], condition=~models.Q(message_id=""), name="message_id_once_per_pok"
            )
        ]
        indexes = [
            models.Index(fields=["thread", "date"], name="message_thread_date"),
            models.Index(fields=["delivery", "next_attempt_at"], name="message_outbox"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.message_id or self.pk}"

    @property
    def spam_label(self) -> str:
        """Why this message is in Spam, for staff."""
        kind, _colon, detail = self.spam_reason.partition(": ")
        if kind == "blocked":
            return _("Blocked sender: %(pattern)s") % {"pattern": detail}
        return _("The mail server marked it as spam (%(header)s)") % {"header": self.spam_reason}


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    content_id = models.CharField(max_length=255, blank=True)
    is_inline = models.BooleanField(default=False)

    def __str__(self):
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", _("created")
    STATUS = "status", _("status changed")
    ASSIGNED = "assigned", _("assigned")
    # A reply failed for good, was given up or bounced: old_value the Failure, new_value the Delivery.
    DELIVERY = "delivery", _("reply not delivered")


class ThreadEvent(models.Model):
    """A line of the history panel (spec 9.3)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    old_value = models.CharField(max_length=255, blank=True)
    new_value = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="event_thread_time")]

    def __str__(self):
        return f"{self.thread_id} {self.kind}: {self.old_value} -> {self.new_value}"

    @property
    def failure_label(self) -> str:
        """For a delivery event: why, in the reader's language."""
        return Failure(self.old_value).label if self.old_value in Failure.values else ""


class ReadMark(models.Model):
    """A staff member opened the thread at `read_at`: customer mail arrived later makes it unread again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_marks")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="read_mark_once_per_user")]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} at {self.read_at}"


class CannedReply(models.Model):
    """A ready text for the reply form, per language (a canned reply).

    Placeholders: {first_name}, {thread_id}, {last_order}.
    """

    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.POLISH)
    text = models.TextField(
        _("text"), help_text=_("Placeholders: {first_name}, {thread_id}, {last_order} (the newest order's reference).")
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["language", "name"]
        constraints = [models.UniqueConstraint(fields=["language", "name"], name="canned_reply_name_once")]

    def __str__(self):
        return self.name


class ThreadPresence(models.Model):
    """Who has a thread open, and whether they are writing a reply (collision warning)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    replying = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="presence_once_per_user")]

    def __str__(self):
        return f"{self.user_id} on {self.thread_id}"


class PokSignature(models.Model):
    """The service point's signature under replies, per language."""

    pok = models.ForeignKey(Pok, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("service point"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.POLISH)
    text = models.TextField(_("signature"), help_text=_("Plain text; lines are kept. Shown under every reply."))

    class Meta:
        verbose_name = _("service point signature")
        verbose_name_plural = _("service point signatures")
        constraints = [models.UniqueConstraint(fields=["pok", "language"], name="pok_signature_once_per_language")]

    def __str__(self):
        return f"{self.pok} ({self.language})"


class StaffSignature(models.Model):
    """A staff member's own lines under their replies, above the service point's signature."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signature", verbose_name=_("staff member")
    )
    text = models.TextField(_("signature"), blank=True, help_text=_("Plain text, e.g. your name and role."))

    class Meta:
        verbose_name = _("staff signature")
        verbose_name_plural = _("staff signatures")

    def __str__(self):
        return str(self.user)


class AcknowledgementTemplate(models.Model):
    """The text of a POK's automatic acknowledgement of new requests, per language.

    Placeholders: {token} (the thread's #XXXXXXX), {subject}."""

    pok = models.ForeignKey(
        Pok, on_delete=models.CASCADE, related_name="acknowledgement_templates", verbose_name=_("service point")
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.POLISH)
    text = models.TextField(_("text"), help_text=_("Placeholders: {token} (the thread number), {subject}."))

    class Meta:
        verbose_name = _("acknowledgement template")
        verbose_name_plural = _("acknowledgement templates")
        constraints = [
            models.UniqueConstraint(fields=["pok", "language"], name="acknowledgement_template_once_per_language")
        ]

    def __str__(self):
        return f"{self.pok} ({self.language})"


class BlockedSender(models.Model):
    """An address (jan@example.com) or a domain (example.com) whose mail goes to the POK's Spam view."""

    pok = models.ForeignKey(
        Pok, on_delete=models.CASCADE, related_name="blocked_senders", verbose_name=_("service point")
    )
    pattern = models.CharField(
        _("address or domain"), max_length=255, help_text=_("jan@example.com, or example.com for a whole domain.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        constraints = [models.UniqueConstraint(fields=["pok", "pattern"], name="blocked_sender_once_per_pok")]

    def __str__(self):
        return self.pattern

    def save(self, *args, **kwargs):
        self.pattern = self.pattern.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class ThreadCount(models.Model):
    """One counter of threads/counts.py: how many threads of a POK are of this kind, status and owner."""

    pok = models.ForeignKey(Pok, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    status = models.CharField(max_length=10, blank=True)
    # The owner's user id, 0 for none: not a foreign key, a deleted user's threads move to 0 (threads.services).
    owner_key = models.PositiveIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pok", "kind", "status", "owner_key"], name="thread_count_once"),
        ]

    def __str__(self):
        return f"{self.pok_id} {self.kind} {self.status} {self.owner_key}: {self.count}"


class DigestState(models.TextChoices):
    PREPARED = "prepared", _("prepared")  # decided and committed, not handed to SMTP yet: safe to send
    SENDING = "sending", _("sending")  # being handed to SMTP: a crash here may or may not have sent it
    SENT = "sent", _("sent")
    # Refused or the server unreachable: its messages were released into the next digest.
    FAILED = "failed", _("failed")
    # Left "sending" by a run that died: it may have gone out, so it is never sent again.
    INTERRUPTED = "interrupted", _("interrupted")


class OwnerDigest(models.Model):
    """One e-mail digest for an owner: the customer messages in their threads since the previous one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pok = models.ForeignKey(Pok, on_delete=models.SET_NULL, null=True, related_name="+")  # sent through its SMTP
    state = models.CharField(max_length=12, choices=DigestState.choices, default=DigestState.PREPARED)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"], name="digest_user_created"),
            models.Index(fields=["state"], name="digest_state"),
        ]

    def __str__(self):
        return f"digest {self.pk} for {self.user_id} ({self.state})"


class DigestEntry(models.Model):
    """A customer message told to an owner in a digest: at most once per owner and message (the constraint)."""

    digest = models.ForeignKey(OwnerDigest, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "message"], name="digest_entry_once_per_message")]

    def __str__(self):
        return f"{self.message_id} in digest {self.digest_id}"
