"""Start-up configuration errors: one clear line naming the problem, no traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def manage(tmp_path, *args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "CRM_ENCRYPTION_KEY", "DATABASE_URL", "DEBUG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        CRM_LOCAL_SECRETS_FILE=str(tmp_path / "secrets.local"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line(result, *words):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_missing_secret_key_with_debug_off(tmp_path):
    result = manage(tmp_path, "check", DEBUG="false")
    assert_one_line(result, "SECRET_KEY")


def test_missing_encryption_key_with_debug_off(tmp_path):
    result = manage(tmp_path, "check", DEBUG="false", SECRET_KEY="x" * 50)
    assert_one_line(result, "CRM_ENCRYPTION_KEY")


def test_invalid_encryption_key(tmp_path):
    result = manage(
        tmp_path,
        "shell",
        "-c",
        "from crm.crypto import encrypt; encrypt('x')",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        CRM_ENCRYPTION_KEY="not-a-key",
    )
    assert_one_line(result, "CRM_ENCRYPTION_KEY")


def test_development_generates_secrets_with_a_warning(tmp_path):
    result = manage(tmp_path, "check", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "WARNING: SECRET_KEY was not set" in result.stderr
    stored = (tmp_path / "secrets.local").read_text()
    assert "SECRET_KEY=" in stored and "CRM_ENCRYPTION_KEY=" in stored
    again = manage(tmp_path, "check", DEBUG="true")
    assert "WARNING" not in again.stderr
    assert (tmp_path / "secrets.local").read_text() == stored


@pytest.mark.parametrize(
    "url, word",
    [("mysql://u:p@localhost/x", "DATABASE_URL"), ("nonsense", "DATABASE_URL"), ("redis://localhost", "DATABASE_URL")],
)
def test_wrong_database_url(tmp_path, url, word):
    keys = {"SECRET_KEY": "x" * 50, "CRM_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    result = manage(tmp_path, "check", DEBUG="false", DATABASE_URL=url, **keys)
    assert_one_line(result, word)


def test_unreachable_postgresql(tmp_path):
    keys = {"SECRET_KEY": "x" * 50, "CRM_ENCRYPTION_KEY": Fernet.generate_key().decode()}
    result = manage(tmp_path, "migrate", DEBUG="false", DATABASE_URL="postgres://crm@127.0.0.1:1/crm", **keys)
    assert_one_line(result, "Database error", "DATABASE_URL")


def test_debug_must_be_a_boolean(tmp_path):
    result = manage(tmp_path, "check", DEBUG="maybe")
    assert_one_line(result, "DEBUG")
