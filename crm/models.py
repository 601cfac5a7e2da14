from django.db import models


class UsedSigninNonce(models.Model):
    """A shop sign-in token already used (crm.shoplink): kept until the token would be expired anyway."""

    nonce = models.CharField(max_length=64, unique=True)
    shop = models.CharField(max_length=255, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.nonce} ({self.shop})"
