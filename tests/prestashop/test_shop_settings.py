"""CRM_SHOP_SHARED_SECRET and CRM_SHOP_SIGNIN_CREATE_USERS from the environment: one-line errors."""

import pytest
from cryptography.fernet import Fernet

from tests.crm.test_settings import assert_one_line, manage

KEYS = {"SECRET_KEY": "x" * 50, "CRM_ENCRYPTION_KEY": Fernet.generate_key().decode(), "DEBUG": "false"}
GOOD = "k" * 32


def shell(tmp_path, code, **env):
    return manage(tmp_path, "shell", "-c", code, **KEYS, **env)


@pytest.mark.parametrize(
    "value", ["short", f"{GOOD},short", f"{GOOD[:-1]} x", "ą" * 40], ids=["short", "second-short", "space", "non-ascii"]
)
def test_malformed_shared_secret_stops_start_up_in_one_line(tmp_path, value):
    assert_one_line(manage(tmp_path, "check", **KEYS, CRM_SHOP_SHARED_SECRET=value), "CRM_SHOP_SHARED_SECRET")


def test_several_secrets_newest_first(tmp_path):
    result = shell(
        tmp_path,
        "from django.conf import settings; print(settings.CRM_SHOP_SHARED_SECRETS)",
        CRM_SHOP_SHARED_SECRET=f" {GOOD}1 , {GOOD}2 ,",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"('{GOOD}1', '{GOOD}2')"


def test_unset_secret_turns_the_link_off_and_creating_users_is_off_by_default(tmp_path):
    code = "from django.conf import settings; print(settings.CRM_SHOP_SHARED_SECRETS, settings.CRM_SHOP_SIGNIN_CREATE_USERS)"
    result = shell(tmp_path, code)
    assert result.stdout.strip().splitlines()[-1] == "() False"


def test_create_users_must_be_a_boolean(tmp_path):
    assert_one_line(
        manage(tmp_path, "check", **KEYS, CRM_SHOP_SIGNIN_CREATE_USERS="perhaps"), "CRM_SHOP_SIGNIN_CREATE_USERS"
    )
