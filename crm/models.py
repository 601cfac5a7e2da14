from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UsedSigninNonce(models.Model):
    """A shop sign-in token already used (crm.shoplink): kept until the token would be expired anyway."""

    nonce = models.CharField(max_length=64, unique=True)
    shop = models.CharField(max_length=255, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.nonce} ({self.shop})"


class BrowserNotifications(models.TextChoices):
    NOT_ASKED = "", _("not asked yet")
    ON = "on", _("on")
    OFF = "off", _("off")


class Digest(models.TextChoices):
    OFF = "off", _("no digest")
    HOURLY = "hourly", _("every hour")
    DAILY = "daily", _("once a day")


class Preferences(models.Model):
    """A staff member's own choices: the language of pages and mail, browser notifications, the e-mail digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("user")
    )
    # Empty: the browser's language decides (and the service point's for mail).
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, blank=True)
    browser_notifications = models.CharField(
        _("browser notifications"), max_length=3, choices=BrowserNotifications.choices, blank=True
    )
    digest = models.CharField(_("e-mail digest"), max_length=6, choices=Digest.choices, default=Digest.OFF)
    # Customer mail that arrived after this goes into digests: set when the digest is turned on.
    digest_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")
        indexes = [models.Index(fields=["digest"], name="preferences_digest")]

    def __str__(self):
        return str(self.user)
