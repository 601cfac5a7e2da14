"""Settings from the environment, with clear one-line errors.

Secrets missing in development are generated into an ignored local file
(``.secrets.local``) so a newcomer runs the product at once; with DEBUG off a
missing secret stops start-up with a ConfigError that names the variable.
"""

import re
import secrets
import sys
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured


class ConfigError(Exception):
    """Wrong or missing configuration; the message is one line for the user."""


GENERATED_SECRETS = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "CRM_ENCRYPTION_KEY": lambda: Fernet.generate_key().decode(),
}


def load_env(base_dir: Path) -> environ.Env:
    env = environ.Env()
    env_file = base_dir / ".env"
    if env_file.exists():
        environ.Env.read_env(str(env_file), overwrite=False)
    return env


TRUE_WORDS = ("true", "1", "yes", "y", "on")
FALSE_WORDS = ("false", "0", "no", "n", "off")


def boolean(env: environ.Env, name: str, default: bool) -> bool:
    # Strict: django-environ reads any unknown word ("maybe") as false.
    value = env.str(name, default="").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS or value in FALSE_WORDS:
        return value in TRUE_WORDS
    raise ConfigError(f"{name} must be true or false, not {value!r}")


def integer(env: environ.Env, name: str, default: int, minimum: int = 0) -> int:
    try:
        value = env.int(name, default=default)
    except (ValueError, ImproperlyConfigured):
        raise ConfigError(f"{name} must be a whole number, not {env.str(name)!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9-]+$")


def proxy_ssl_header(env: environ.Env, name: str) -> tuple[str, str] | None:
    """The request header (e.g. X-Forwarded-Proto) by which a TLS proxy says "https", as Django wants it."""
    header = env.str(name, default="").strip()
    if not header:
        return None
    if not HEADER_NAME_RE.match(header):
        raise ConfigError(f"{name} must be a header name such as X-Forwarded-Proto, not {header!r}")
    return "HTTP_" + header.upper().replace("-", "_"), "https"


def secret(env: environ.Env, name: str, debug: bool, local_file: Path) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if not debug:
        raise ConfigError(f"{name} is not set: set it in the environment (required when DEBUG is off)")
    return _development_secret(name, local_file)


def _development_secret(name: str, local_file: Path) -> str:
    stored = _read_local_secrets(local_file)
    if name not in stored:
        stored[name] = GENERATED_SECRETS[name]()
        local_file.write_text("".join(f"{key}={value}\n" for key, value in stored.items()))
        local_file.chmod(0o600)
        print(
            f"WARNING: {name} was not set; generated a development value into {local_file.name}. "
            "Set it in the environment for production.",
            file=sys.stderr,
        )
    return stored[name]


def _read_local_secrets(local_file: Path) -> dict[str, str]:
    if not local_file.exists():
        return {}
    lines = local_file.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


SUPPORTED_DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")


# The embedded default must never answer "database is locked" while cron imports mail:
# WAL lets readers and the one writer go on together; a writer waits up to `timeout` seconds for
# another; IMMEDIATE transactions take the write lock at BEGIN, so a transaction that reads first
# never fails on upgrading to a write (SQLite does not wait there, whatever the timeout).
# synchronous=NORMAL is durable in WAL mode except for the last commits on a power cut.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def database(env: environ.Env, default_sqlite: Path) -> dict:
    url = env.str("DATABASE_URL", default="") or f"sqlite:///{default_sqlite}"
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_DATABASE_SCHEMES:
        raise ConfigError(
            "DATABASE_URL must be postgres://user:password@host:port/name or sqlite:///path, "
            f"not {url.split('@')[-1]!r}"
        )
    try:
        config = environ.Env.db_url_config(url)
    except (ImproperlyConfigured, ValueError, KeyError) as error:
        raise ConfigError(f"DATABASE_URL is not a valid database URL ({error})") from None
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    else:
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    # A connection kept for the next requests of the same worker thread (checked before reuse), instead of
    # a new PostgreSQL session with its authentication for every request.
    config["CONN_MAX_AGE"] = integer(env, "CRM_DB_CONN_MAX_AGE", 60, minimum=0)
    config["CONN_HEALTH_CHECKS"] = True
    return config


MIN_SHARED_SECRET_LENGTH = 32


def shared_secrets(env: environ.Env, name: str) -> tuple[str, ...]:
    """Comma-separated secrets, newest first (rotation); empty when unset. Each is 32+ visible ASCII characters."""
    values = tuple(part.strip() for part in env.str(name, default="").split(",") if part.strip())
    for position, value in enumerate(values, start=1):
        if len(value) < MIN_SHARED_SECRET_LENGTH or not value.isascii() or not value.isprintable() or " " in value:
            raise ConfigError(
                f"{name}: secret number {position} must be at least {MIN_SHARED_SECRET_LENGTH} visible ASCII "
                "characters without spaces or commas (make one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))')"
            )
    return values


S3_ADDRESSING_STYLES = ("auto", "path", "virtual")


def file_storage(env: environ.Env) -> dict:
    """Where attachments and raw messages go: MEDIA_ROOT on the local disk, or an S3-compatible
    bucket when CRM_S3_BUCKET is set (AWS, MinIO, Ceph, Garage... through django-storages)."""
    bucket = env.str("CRM_S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # in MEDIA_ROOT
    style = env.str("CRM_S3_ADDRESSING_STYLE", default="auto")
    if style not in S3_ADDRESSING_STYLES:
        raise ConfigError(f"CRM_S3_ADDRESSING_STYLE must be one of {', '.join(S3_ADDRESSING_STYLES)}, not {style!r}")
    options = {
        "bucket_name": bucket,
        "endpoint_url": env.str("CRM_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("CRM_S3_REGION", default="") or None,
        "location": env.str("CRM_S3_PREFIX", default="").strip("/"),
        "addressing_style": None if style == "auto" else style,
        "signature_version": "s3v4",
        # Private objects: everything is read through the permission-checked views.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
    }
    # Without keys boto3 finds its own (AWS_* variables, ~/.aws, an instance role).
    key_id, secret_key = env.str("CRM_S3_ACCESS_KEY_ID", default=""), env.str("CRM_S3_SECRET_ACCESS_KEY", default="")
    if bool(key_id) != bool(secret_key):
        raise ConfigError("CRM_S3_ACCESS_KEY_ID and CRM_S3_SECRET_ACCESS_KEY must be set together")
    if key_id:
        options.update(access_key=key_id, secret_key=secret_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
