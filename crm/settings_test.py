"""Settings for the test suite: fixed throwaway secrets, DEBUG off."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# A fixed key so that subprocesses (manage.py in tests) decrypt what the tests stored.
os.environ.setdefault("CRM_ENCRYPTION_KEY", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU=")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("HTTPS", "false")

from crm.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The file storage as configured (local disk, or the test S3 server's bucket in a subprocess);
# static files unhashed, from the finders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not in-memory: tests run manage.py in a subprocess against the test database.
    # Unique per process; pytest-django adds the xdist worker suffix.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"crm-test-{os.getpid()}.sqlite3"),
    }
LANGUAGE_CODE = "en"
# Static files come from the finders in tests: there is no collectstatic output.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
