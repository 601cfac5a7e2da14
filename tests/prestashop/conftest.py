"""php-cli runs the module's own classes (scripts/test installs Debian's php-cli)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "prestashop" / "crmlink"
CLI = Path(__file__).with_name("crmlink_cli.php")
SECRET = "shop-secret-0123456789-abcdefghijklmnop"


class Php:
    def __init__(self, binary: str):
        self.binary = binary

    def run(self, *args) -> str:
        result = subprocess.run(
            [self.binary, str(CLI), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def json(self, *args):
        return json.loads(self.run(*args))


@pytest.fixture(scope="session")
def php() -> Php:
    binary = shutil.which("php")
    if binary is None:
        pytest.fail("php-cli is missing: scripts/test installs it (apt-get install php-cli)")
    return Php(binary)


@pytest.fixture
def shared_secret(settings):
    settings.CRM_SHOP_SHARED_SECRETS = (SECRET,)
    settings.CRM_SHOP_SIGNIN_CREATE_USERS = False
    return SECRET
