"""The module's configuration page accepts the secrets and addresses the CRM accepts (checked with php-cli)."""

import environ
import pytest

from crm import config

GOOD = "k" * 32


def crm_accepts(monkeypatch, secret: str) -> bool:
    monkeypatch.setenv("CRM_SHOP_SHARED_SECRET", secret)
    try:
        return config.shared_secrets(environ.Env(), "CRM_SHOP_SHARED_SECRET") == (secret,)
    except config.ConfigError:
        return False


@pytest.mark.parametrize(
    ("secret", "valid"),
    [
        (GOOD, True),
        ("Zx9_-~!#$%&()*+./:;<=>?@[]^{|}" + "ab", True),
        (GOOD[:-1], False),
        (GOOD[:-1] + " x", False),
        (GOOD + "," + GOOD, False),
        ("ą" * 40, False),
    ],
)
def test_module_and_crm_agree_on_secrets(php, monkeypatch, secret, valid):
    assert php.run("valid-secret", secret) == ("1" if valid else "0")
    assert crm_accepts(monkeypatch, secret) is valid


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://crm.example.com", True),
        ("http://127.0.0.1:8000/crm", True),
        ("crm.example.com", False),
        ("ftp://crm.example.com", False),
        ("https://crm.example.com/?a=1", False),
        ("https://admin@crm.example.com", False),
        ("javascript:alert(1)", False),
    ],
)
def test_module_accepts_only_http_addresses_for_the_crm(php, url, valid):
    assert php.run("valid-url", url) == ("1" if valid else "0")
