from pathlib import Path

from django.utils.translation import gettext_lazy as _

from crm import config

BASE_DIR = Path(__file__).resolve().parent.parent
env = config.load_env(BASE_DIR)

DEBUG = config.boolean(env, "DEBUG", default=False)
LOCAL_SECRETS_FILE = BASE_DIR / ".secrets.local"
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
    "crm",
    "pok",
    "threads",
    "customers",
    "search",
    "mailsync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.bool("HTTPS", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Mail handling
CRM_MAX_MESSAGE_BYTES = env.int("CRM_MAX_MESSAGE_BYTES", default=25 * 1024 * 1024)
CRM_MAX_ATTACHMENT_BYTES = env.int("CRM_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
CRM_IMAP_TIMEOUT = env.int("CRM_IMAP_TIMEOUT", default=30)
CRM_SMTP_TIMEOUT = env.int("CRM_SMTP_TIMEOUT", default=30)

# Links into the shop and BaseLinker (spec 8.3)
CRM_SHOP_ADMIN_URL = env.str("CRM_SHOP_ADMIN_URL", default="")
CRM_BASELINKER_SEARCH_URL = env.str(
    "CRM_BASELINKER_SEARCH_URL", default="https://panel.baselinker.com/orders.php#search:{query}"
)

# Cron (spec 4): django-crontab installs these with `manage.py crontab add`.
CRM_SYNC_INBOX_SCHEDULE = env.str("CRM_SYNC_INBOX_SCHEDULE", default="*/2 * * * *")
CRONTAB_COMMAND_PREFIX = f"cd {BASE_DIR} &&"
CRONJOBS = [
    (CRM_SYNC_INBOX_SCHEDULE, "django.core.management.call_command", ["sync_inbox"]),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
