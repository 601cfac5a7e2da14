"""Encryption at rest for mailbox passwords (Fernet from `cryptography`)."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from crm.config import ConfigError


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys.split(",") if key.strip()])
    except (ValueError, TypeError):
        raise ConfigError(
            "CRM_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes; "
            "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from None


def encrypt(plain: str) -> str:
    return _fernet(settings.CRM_ENCRYPTION_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.CRM_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ConfigError("CRM_ENCRYPTION_KEY cannot decrypt a stored password (was the key changed?)") from None


class EncryptedSecret:
    """The stored form of a secret; str() never reveals it."""

    def __init__(self, token: str):
        self.token = token

    def reveal(self) -> str:
        return decrypt(self.token) if self.token else ""

    def __bool__(self):
        return bool(self.token)

    def __str__(self):
        return "********" if self.token else ""

    __repr__ = __str__

    def __eq__(self, other):
        return isinstance(other, EncryptedSecret) and other.token == self.token

    def __hash__(self):
        return hash(self.token)


class EncryptedSecretField(models.TextField):
    """Holds a password encrypted; reading gives an EncryptedSecret, assigning a str encrypts it."""

    def from_db_value(self, value, expression, connection):
        return EncryptedSecret(value or "")

    def to_python(self, value):
        if isinstance(value, EncryptedSecret) or value is None:
            return value
        return EncryptedSecret(encrypt(value) if value else "")

    def get_prep_value(self, value):
        if isinstance(value, EncryptedSecret):
            return value.token
        return encrypt(value) if value else ""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if not isinstance(value, EncryptedSecret):
            value = EncryptedSecret(encrypt(value) if value else "")
            setattr(model_instance, self.attname, value)
        return value
