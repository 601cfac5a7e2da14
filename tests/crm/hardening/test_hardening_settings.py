"""The hardening settings: their defaults, and one line naming a wrong one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def manage_check(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CRM_") and k != "DATABASE_URL"}
    environment.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        DEBUG="true",
        CRM_LOCAL_SECRETS_FILE=str(tmp_path / "s"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )
    command = [sys.executable, str(ROOT / "manage.py"), "check"]
    return subprocess.run(command, env=environment, cwd=tmp_path, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "name, value",
    [
        ("CRM_SESSION_HOURS", "0"),
        ("CRM_SESSION_HOURS", "nine"),
        ("CRM_LOGIN_FAILURE_LIMIT", "0"),
        ("CRM_LOGIN_COOLOFF_MINUTES", "-5"),
        ("CRM_TRUSTED_PROXY_COUNT", "-1"),
    ],
)
def test_a_wrong_setting_gives_one_line_naming_it(tmp_path, name, value):
    result = manage_check(tmp_path, **{name: value})
    assert result.returncode != 0
    errors = [line for line in result.stderr.strip().splitlines() if not line.startswith("WARNING")]
    assert len(errors) == 1 and name in errors[0] and "Traceback" not in result.stderr, result.stderr


def test_good_settings_pass_quietly(tmp_path):
    result = manage_check(tmp_path, CRM_SESSION_HOURS="12", CRM_LOGIN_FAILURE_LIMIT="5", CRM_TRUSTED_PROXY_COUNT="1")
    assert result.returncode == 0, result.stderr
    assert "AXES" not in result.stderr + result.stdout  # no banner on every manage.py run (cron mails output)


def test_defaults():
    assert settings.SESSION_COOKIE_AGE == 9 * 3600  # one working day
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
