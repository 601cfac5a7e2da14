import re
from datetime import timedelta
from pathlib import Path

from csp import constants as csp
from django.utils.translation import gettext_lazy as _

from crm import config

BASE_DIR = Path(__file__).resolve().parent.parent
env = config.load_env(BASE_DIR)

DEBUG = config.boolean(env, "DEBUG", default=False)
LOCAL_SECRETS_FILE = Path(env.str("CRM_LOCAL_SECRETS_FILE", default=str(BASE_DIR / ".secrets.local")))
SECRET_KEY = config.secret(env, "SECRET_KEY", DEBUG, LOCAL_SECRETS_FILE)
# One Fernet key, or several comma-separated (newest first) to rotate keys.
CRM_ENCRYPTION_KEY = config.secret(env, "CRM_ENCRYPTION_KEY", DEBUG, LOCAL_SECRETS_FILE)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "django_crontab",
    "axes",
    "csp",
    "crm",
    "pok",
    "threads",
    "customers",
    "search",
    "mailsync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "crm.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "crm.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into the lockout page
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": config.database(env, BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="pl")
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"  # never served directly: attachments go through permission-checked views
STORAGES = {
    # Attachments and raw messages: MEDIA_ROOT, or an S3-compatible bucket (CRM_S3_BUCKET).
    "default": config.file_storage(env),
    # collectstatic writes hashed, compressed copies that WhiteNoise serves with a far-future expiry.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

SESSION_ENGINE = "crm.sessions"  # Django's database sessions, read with SQL built once per process
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and config.boolean(env, "HTTPS", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating reverse proxy (docs/deploy.md): the header the proxy sets to "https"
# (e.g. X-Forwarded-Proto; the proxy must overwrite it, never pass the client's through).
SECURE_PROXY_SSL_HEADER = config.proxy_ssl_header(env, "SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = config.boolean(env, "SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = config.integer(env, "SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.boolean(env, "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = config.boolean(env, "SECURE_HSTS_PRELOAD", default=False)

# /healthz: unhealthy (503) when an active POK has not synced successfully for this long, or the
# oldest reply still to be sent waits longer than this (seconds; 0 leaves the check out).
CRM_HEALTH_MAX_SYNC_AGE = config.integer(env, "CRM_HEALTH_MAX_SYNC_AGE", default=15 * 60)
CRM_HEALTH_MAX_OUTBOX_AGE = config.integer(env, "CRM_HEALTH_MAX_OUTBOX_AGE", default=30 * 60)

# Mail handling
CRM_MAX_ATTACHMENT_BYTES = config.integer(env, "CRM_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, minimum=1)
CRM_IMAP_TIMEOUT = config.integer(env, "CRM_IMAP_TIMEOUT", 30, minimum=1)
CRM_SMTP_TIMEOUT = config.integer(env, "CRM_SMTP_TIMEOUT", 30, minimum=1)
# Acknowledgements of new requests: one per sender in this many hours at most (loop guard).
CRM_ACK_QUIET_HOURS = config.integer(env, "CRM_ACK_QUIET_HOURS", 24, minimum=0)

# OAuth2 sign-in of mailboxes (docs/oauth2.md); a POK's own client ID and secret take precedence.
CRM_OAUTH_GOOGLE_CLIENT_ID = env.str("CRM_OAUTH_GOOGLE_CLIENT_ID", default="")
CRM_OAUTH_GOOGLE_CLIENT_SECRET = env.str("CRM_OAUTH_GOOGLE_CLIENT_SECRET", default="")
CRM_OAUTH_MICROSOFT_CLIENT_ID = env.str("CRM_OAUTH_MICROSOFT_CLIENT_ID", default="")
CRM_OAUTH_MICROSOFT_CLIENT_SECRET = env.str("CRM_OAUTH_MICROSOFT_CLIENT_SECRET", default="")
CRM_OAUTH_MICROSOFT_TENANT = env.str("CRM_OAUTH_MICROSOFT_TENANT", default="common")
# Another Microsoft cloud (e.g. https://login.microsoftonline.us for US Government).
CRM_OAUTH_MICROSOFT_AUTHORITY = env.str("CRM_OAUTH_MICROSOFT_AUTHORITY", default="https://login.microsoftonline.com")
CRM_OAUTH_TIMEOUT = config.integer(env, "CRM_OAUTH_TIMEOUT", 20, minimum=1)

# Absolute address of this CRM, for links in mail to staff (hand-over notices).
# How often open pages ask whether anything changed in the user's POKs (threads:live).
CRM_LIVE_POLL_SECONDS = config.integer(env, "CRM_LIVE_POLL_SECONDS", 15, minimum=1)
CRM_BASE_URL = env.str("CRM_BASE_URL", default="http://127.0.0.1:8000")

# Links into the shop and BaseLinker (spec 8.3)
CRM_SHOP_ADMIN_URL = env.str("CRM_SHOP_ADMIN_URL", default="")
CRM_BASELINKER_SEARCH_URL = env.str(
    "CRM_BASELINKER_SEARCH_URL", default="https://panel.baselinker.com/orders.php#search:{query}"
)
# "legacy" (index.php?controller=...) works for 1.7.0 to 8.x; "symfony" (/sell/orders/N/view) for 1.7.7+.
CRM_SHOP_ADMIN_URL_STYLE = env.str("CRM_SHOP_ADMIN_URL_STYLE", default="legacy")
if CRM_SHOP_ADMIN_URL_STYLE not in ("legacy", "symfony"):
    raise config.ConfigError(f"CRM_SHOP_ADMIN_URL_STYLE must be legacy or symfony, not {CRM_SHOP_ADMIN_URL_STYLE!r}")

# PrestaShop import (manage.py import_prestashop): the shop's database (read-only user) or its Webservice.
CRM_PRESTASHOP_DB_URL = env.str("CRM_PRESTASHOP_DB_URL", default="")  # mysql://user:password@host:3306/shop
CRM_PRESTASHOP_TABLE_PREFIX = env.str("CRM_PRESTASHOP_TABLE_PREFIX", default="ps_")
CRM_PRESTASHOP_API_URL = env.str("CRM_PRESTASHOP_API_URL", default="")  # https://shop.example/api
CRM_PRESTASHOP_API_KEY = env.str("CRM_PRESTASHOP_API_KEY", default="")
CRM_SHOP_TIME_ZONE = env.str("CRM_SHOP_TIME_ZONE", default=TIME_ZONE)  # PrestaShop stores naive local times
CRM_IMPORT_SCHEDULE = env.str("CRM_IMPORT_SCHEDULE", default="*/15 * * * *")
CRM_IMPORT_BATCH_SIZE = config.integer(env, "CRM_IMPORT_BATCH_SIZE", 1000, minimum=1)
# Incremental runs re-read rows changed this long before the last mark (clock skew, late commits).
CRM_IMPORT_OVERLAP_MINUTES = config.integer(env, "CRM_IMPORT_OVERLAP_MINUTES", 10, minimum=0)
# Order rows, carriers and history of orders added this recently are re-read on every run:
# a tracking number saved in the back office does not move ps_orders.date_upd.
CRM_IMPORT_RECENT_ORDER_DAYS = config.integer(env, "CRM_IMPORT_RECENT_ORDER_DAYS", 14, minimum=0)

# Cron (spec 4): django-crontab installs these with `manage.py crontab add`.
CRM_SYNC_INBOX_SCHEDULE = env.str("CRM_SYNC_INBOX_SCHEDULE", default="*/2 * * * *")
CRONTAB_COMMAND_PREFIX = f"cd {BASE_DIR} &&"
CRM_SEND_OUTBOX_SCHEDULE = env.str("CRM_SEND_OUTBOX_SCHEDULE", default="* * * * *")
CRM_REINDEX_SCHEDULE = env.str("CRM_REINDEX_SCHEDULE", default="*/10 * * * *")
CRM_PRUNE_LOGINS_SCHEDULE = env.str("CRM_PRUNE_LOGINS_SCHEDULE", default="17 3 * * *")
# Owners' e-mail digests (send_owner_digests): hourly ones every run, daily ones from this local hour on.
CRM_DIGEST_SCHEDULE = env.str("CRM_DIGEST_SCHEDULE", default="5 * * * *")
CRM_DIGEST_HOUR = config.integer(env, "CRM_DIGEST_HOUR", default=7, minimum=0)
if CRM_DIGEST_HOUR > 23:
    raise config.ConfigError(f"CRM_DIGEST_HOUR must be an hour from 0 to 23, not {CRM_DIGEST_HOUR}")
# Each job runs its management command through pok.cron, which records the run for the cron panel.
CRONJOBS = [
    (CRM_SYNC_INBOX_SCHEDULE, "pok.cron.run_job", ["sync_inbox"]),
    (CRM_SEND_OUTBOX_SCHEDULE, "pok.cron.run_job", ["send_outbox"]),
    (CRM_REINDEX_SCHEDULE, "pok.cron.run_job", ["reindex_customers"]),
    (CRM_PRUNE_LOGINS_SCHEDULE, "pok.cron.run_job", ["prune_login_records"]),
    (CRM_DIGEST_SCHEDULE, "pok.cron.run_job", ["send_owner_digests"]),
]
if CRM_PRESTASHOP_DB_URL or CRM_PRESTASHOP_API_URL:
    CRONJOBS.append((CRM_IMPORT_SCHEDULE, "pok.cron.run_job", ["import_prestashop"]))
CRONTAB_DJANGO_MANAGE_PATH = str(BASE_DIR / "manage.py")
# URLs that run the same jobs, for hosting whose cron can only call a URL; protected by a long random token.
CRM_CRON_URLS_ENABLED = config.boolean(env, "CRM_CRON_URLS_ENABLED", default=False)
CRM_CRON_TOKEN = env.str("CRM_CRON_TOKEN", default="")
if CRM_CRON_URLS_ENABLED and len(CRM_CRON_TOKEN) < 32:
    raise config.ConfigError(
        "CRM_CRON_TOKEN must be set to a random string of at least 32 characters when CRM_CRON_URLS_ENABLED is on "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    )

# Customer card (spec 8.3.3): marketplace logins in message subjects become BaseLinker search buttons.
# A JSON list of regular expressions, each with one group (the login), matched ignoring case.
try:
    CRM_MARKETPLACE_LOGIN_PATTERNS = env.json(
        "CRM_MARKETPLACE_LOGIN_PATTERNS",
        default=[
            r"od (?:użytkownika|kupującego|kupujacego)\s*:?\s*([\w.@-]+)",
            r"kupujący\s*:\s*([\w.@-]+)",
            r"from (?:user|buyer)\s*:?\s*([\w.@-]+)",
            r"buyer\s*:\s*([\w.@-]+)",
        ],
    )
    if not all(re.compile(pattern).groups == 1 for pattern in CRM_MARKETPLACE_LOGIN_PATTERNS):
        raise ValueError("each pattern needs exactly one group (the login)")
except (TypeError, ValueError, re.error) as error:
    raise config.ConfigError(
        f"CRM_MARKETPLACE_LOGIN_PATTERNS must be a JSON list of regular expressions: {error}"
    ) from None
# Carrier name "0" in PrestaShop means the shop's own name.
CRM_SHOP_NAME = env.str("CRM_SHOP_NAME", default="")

# The PrestaShop module (docs/prestashop-module.md): secrets shared with the shop, comma-separated, newest first.
# Empty: sign-in from the shop and the thread endpoint for its order/customer pages are off.
CRM_SHOP_SHARED_SECRETS = config.shared_secrets(env, "CRM_SHOP_SHARED_SECRET")
# Signing in from the shop with an e-mail no CRM account has creates a staff account (no POKs) when on.
CRM_SHOP_SIGNIN_CREATE_USERS = config.boolean(env, "CRM_SHOP_SIGNIN_CREATE_USERS", default=False)

# Hardening: login throttling, Content-Security-Policy, session lifetime.
# Failed logins per account and per address (django-axes, counted in the database so that every
# app server sees them); each failure is logged with user name and address, never the password.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Login records (who logged in or failed, from where) are kept this many days (prune_login_records).
CRM_LOGIN_RECORDS_DAYS = config.integer(env, "CRM_LOGIN_RECORDS_DAYS", 90, minimum=1)
AXES_FAILURE_LIMIT = config.integer(env, "CRM_LOGIN_FAILURE_LIMIT", default=10, minimum=1)
CRM_LOGIN_COOLOFF_MINUTES = config.integer(env, "CRM_LOGIN_COOLOFF_MINUTES", default=15, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=CRM_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one over the limit locks
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on every manage.py run (cron would mail it); failures are still logged
AXES_SENSITIVE_PARAMETERS = []  # the log names the user name and address; the password is never in it
AXES_LOCKOUT_CALLABLE = "crm.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "crm.throttling.client_ip"
AXES_USERNAME_CALLABLE = "crm.throttling.username"
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For (0: none).
CRM_TRUSTED_PROXY_COUNT = config.integer(env, "CRM_TRUSTED_PROXY_COUNT", default=0, minimum=0)

# Scripts, styles and images only from our own static files (django-csp). Inline style attributes
# stay allowed: mail HTML (in srcdoc frames, which inherit this policy) and order badges use them.
# A template that needs an inline <script> gives it nonce="{{ request.csp_nonce }}".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "style-src-elem": [csp.SELF],
        "style-src-attr": [csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# A session lasts one working day by default; changing a password ends the user's other sessions
# (Django's session auth hash).
CRM_SESSION_HOURS = config.integer(env, "CRM_SESSION_HOURS", default=9, minimum=1)
SESSION_COOKIE_AGE = CRM_SESSION_HOURS * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
