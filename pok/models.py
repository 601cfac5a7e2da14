from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.crypto import EncryptedSecretField
from pok.failures import Failure


class Security(models.TextChoices):
    NONE = "none", _("None")
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")


class AuthMethod(models.TextChoices):
    PASSWORD = "password", _("Password")
    OAUTH2 = "oauth2", _("OAuth2 (sign in at the provider)")


class OAuthProvider(models.TextChoices):
    GOOGLE = "google", _("Google (Gmail, Google Workspace)")
    MICROSOFT = "microsoft", _("Microsoft (Microsoft 365, Outlook.com)")
    GENERIC = "generic", _("Other OAuth2 provider")


class Language(models.TextChoices):
    POLISH = "pl", _("Polish")
    ENGLISH = "en", _("English")


def port_field(verbose_name, default):
    return models.PositiveIntegerField(
        verbose_name, default=default, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )


class Pok(models.Model):
    """Customer Service Point: one mailbox, read over IMAP and sent from over SMTP (spec 2, 3.1)."""

    active = models.BooleanField(_("active"), default=True)
    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.POLISH)

    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = port_field(_("IMAP port"), 993)
    imap_security = models.CharField(_("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL)
    imap_verify_cert = models.BooleanField(_("validate IMAP certificate"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = EncryptedSecretField(_("IMAP password"), blank=True, default="")
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    imap_sent_folder = models.CharField(
        _("IMAP Sent folder"),
        max_length=255,
        blank=True,
        help_text=_("Store a copy of sent replies here; empty: do not."),
    )
    keep_on_server = models.BooleanField(
        _("keep mail on the server"), default=False, help_text=_("Off: mail is deleted from the server once imported.")
    )
    max_message_bytes = models.PositiveIntegerField(_("largest message to download (bytes)"), default=25 * 1024 * 1024)

    smtp_host = models.CharField(_("SMTP host"), max_length=255, blank=True)
    smtp_port = port_field(_("SMTP port"), 465)
    smtp_security = models.CharField(_("SMTP security"), max_length=10, choices=Security.choices, default=Security.SSL)
    smtp_verify_cert = models.BooleanField(_("validate SMTP certificate"), default=True)
    smtp_user = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_password = EncryptedSecretField(_("SMTP password"), blank=True, default="")
    from_address = models.EmailField(_("from address"), blank=True)
    from_name = models.CharField(_("from name"), max_length=255, blank=True)
    acknowledge_new = models.BooleanField(
        _("acknowledge new requests"),
        default=False,
        help_text=_(
            "Answer a customer's first message with an automatic acknowledgement naming the thread "
            "(never to automatic mail, bounces, mailing lists or no-reply addresses)."
        ),
    )
    reply_to_all = models.BooleanField(
        _("reply to all by default"),
        default=True,
        help_text=_("The reply form starts with the Cc of the customer's last message (our own addresses left out)."),
    )

    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PokStaff", related_name="poks", blank=True, verbose_name=_("staff")
    )

    # Inbox sync state (spec 11): only mail above last_uid is fetched while uidvalidity holds.
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True, editable=False)
    # The last run that ended without an error: what /healthz measures the age of.
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    last_error_kind = models.CharField(
        _("last error, in short"), max_length=20, choices=Failure.choices, blank=True, editable=False
    )

    # OAuth2 sign-in (docs/oauth2.md): one connection per POK, used by IMAP and/or SMTP.
    imap_auth = models.CharField(
        _("IMAP sign-in"), max_length=10, choices=AuthMethod.choices, default=AuthMethod.PASSWORD
    )
    smtp_auth = models.CharField(
        _("SMTP sign-in"), max_length=10, choices=AuthMethod.choices, default=AuthMethod.PASSWORD
    )
    oauth_provider = models.CharField(_("OAuth2 provider"), max_length=10, choices=OAuthProvider.choices, blank=True)
    oauth_tenant = models.CharField(
        _("Microsoft tenant"),
        max_length=100,
        blank=True,
        help_text=_(
            "common (work/school and personal accounts), organizations, consumers, or your tenant ID or domain; "
            "empty: CRM_OAUTH_MICROSOFT_TENANT, else common."
        ),
    )
    oauth_client_id = models.CharField(
        _("OAuth2 client ID"),
        max_length=255,
        blank=True,
        help_text=_("Empty: CRM_OAUTH_GOOGLE_CLIENT_ID or CRM_OAUTH_MICROSOFT_CLIENT_ID from the environment."),
    )
    oauth_client_secret = EncryptedSecretField(_("OAuth2 client secret"), blank=True, default="")
    oauth_authorization_url = models.URLField(_("authorization URL"), max_length=500, blank=True)
    oauth_token_url = models.URLField(_("token URL"), max_length=500, blank=True)
    oauth_scope = models.CharField(
        _("scopes"), max_length=500, blank=True, help_text=_("Space-separated; other OAuth2 provider only.")
    )
    oauth_account = models.CharField(_("connected account"), max_length=255, blank=True, editable=False)
    oauth_refresh_token = EncryptedSecretField(blank=True, default="", editable=False)
    oauth_access_token = EncryptedSecretField(blank=True, default="", editable=False)
    oauth_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    oauth_error = models.TextField(_("OAuth2 problem"), blank=True, editable=False)

    class Meta:
        verbose_name = _("customer service point")
        verbose_name_plural = _("customer service points")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.active:
            return
        errors = {}
        for field in ("imap_host", "smtp_host"):
            if not getattr(self, field).strip():
                errors[field] = _("An active service point needs a host.")
        if not self.from_address:
            errors["from_address"] = _("An active service point needs a from address.")
        errors.update(self._oauth_errors())
        if errors:
            raise ValidationError(errors)

    @property
    def uses_oauth(self) -> bool:
        return AuthMethod.OAUTH2 in (self.imap_auth, self.smtp_auth)

    def _oauth_errors(self) -> dict:
        if not self.uses_oauth:
            return {}
        if not self.oauth_provider:
            return {"oauth_provider": _("OAuth2 sign-in needs a provider.")}
        if self.oauth_provider != OAuthProvider.GENERIC:
            setting = f"CRM_OAUTH_{self.oauth_provider.upper()}_CLIENT_ID"
            if self.oauth_client_id or getattr(settings, setting):
                return {}
            return {
                "oauth_client_id": _("Set %(setting)s in the environment, or a client ID here.") % {"setting": setting}
            }
        needed = ("oauth_authorization_url", "oauth_token_url", "oauth_scope", "oauth_client_id")
        return {name: _("The other OAuth2 provider needs this.") for name in needed if not getattr(self, name)}


class PokStaff(models.Model):
    """A staff member assigned to a POK: only they can own its threads (spec 3.3)."""

    pok = models.ForeignKey(Pok, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("service point"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pok_memberships",
        verbose_name=_("staff member"),
    )

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [models.UniqueConstraint(fields=["pok", "user"], name="pok_staff_unique")]

    def __str__(self):
        return f"{self.user} → {self.pok}"


class CronRun(models.Model):
    """One run of a cron job (spec 4), started by cron or by the token URL; shown on the cron panel."""

    job = models.CharField(_("job"), max_length=50)
    via = models.CharField(_("started by"), max_length=10)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), null=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("cron run")
        verbose_name_plural = _("cron runs")
        indexes = [models.Index(fields=["job", "started_at"], name="cron_run_job_started")]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"
