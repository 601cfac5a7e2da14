"""The module's files as PrestaShop expects them, checked with php-cli and by reading the zip.

What needs a running PrestaShop (install, the tab, the hooks' pages) is listed in docs/prestashop-module.md.
"""

import hashlib
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from tests.prestashop.conftest import MODULE, ROOT

PHP_FILES = sorted(MODULE.rglob("*.php"))
GUARD = MODULE / "index.php"  # the build puts it in every folder of the zip
CODE = [path for path in PHP_FILES if path != GUARD]
MAIN_CLASS = MODULE / "crmlink.php"


def relative(path):
    return str(path.relative_to(MODULE))


@pytest.mark.parametrize("path", PHP_FILES, ids=relative)
def test_php_syntax(php, path):
    result = subprocess.run([php.binary, "-l", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", CODE, ids=relative)
def test_code_outside_prestashop_exits_at_once(php, path):
    assert re.match(
        r"<\?php\n\n?(/\*\*.*?\*/\n)?if \(!defined\('_PS_VERSION_'\)\) \{\n    exit;\n\}", path.read_text(), re.S
    )
    result = subprocess.run([php.binary, str(path)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_index_guard_redirects_without_listing(php):
    result = subprocess.run([php.binary, str(GUARD)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "")
    text = GUARD.read_text()
    assert "header('Location: ../');" in text and "no-cache" in text


def test_main_class_is_a_module_with_the_tab_and_hooks():
    text = MAIN_CLASS.read_text()
    assert re.search(r"^class CrmLink extends Module$", text, re.M)
    assert "$this->name = 'crmlink';" in text
    assert "const TAB_PARENT = 'AdminParentCustomerThreads';" in text
    assert "const TAB_CLASS = 'AdminCrmLink';" in text
    for hook in ("displayAdminOrder", "displayAdminCustomers"):
        assert f"$this->registerHook('{hook}')" in text
        assert f"public function hook{hook[0].upper()}{hook[1:]}($params)" in text
    assert "public function getContent()" in text
    controller = (MODULE / "controllers" / "admin" / "AdminCrmLinkController.php").read_text()
    assert re.search(r"^class AdminCrmLinkController extends ModuleAdminController$", controller, re.M)


def test_config_xml_matches_the_main_class():
    root = ET.parse(MODULE / "config.xml").getroot()
    text = MAIN_CLASS.read_text()
    values = {child.tag: (child.text or "") for child in root}
    assert root.tag == "module" and values["name"] == "crmlink"
    for tag, pattern in (
        ("version", r"\$this->version = '([^']*)'"),
        ("author", r"\$this->author = '([^']*)'"),
        ("tab", r"\$this->tab = '([^']*)'"),
        ("displayName", r"\$this->displayName = \$this->l\('((?:[^'\\]|\\.)*)'\)"),
        ("description", r"\$this->description = \$this->l\('((?:[^'\\]|\\.)*)'\)"),
    ):
        assert values[tag] == re.search(pattern, text).group(1).replace("\\'", "'"), tag
    assert (values["is_configurable"], values["need_instance"]) == ("1", "0")


def test_logo_is_a_32_pixel_png():
    data = (MODULE / "logo.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (32, 32)


# Classic module translations: key = lower("<{crmlink}prestashop>" + source) + "_" + md5(text with ' escaped).
PHP_STRING = r"'((?:[^'\\]|\\.)*)'"
SOURCES = {
    "crmlink": [
        (MAIN_CLASS, rf"\$this->l\({PHP_STRING}"),
        (MODULE / "controllers", rf"\$this->module->l\({PHP_STRING}"),
    ],
    "threads": [(MODULE / "views" / "templates" / "hook" / "threads.tpl", rf"\{{l s={PHP_STRING}")],
}


def module_strings() -> dict[str, str]:
    keys = {}
    for source, places in SOURCES.items():
        for place, pattern in places:
            files = sorted(place.rglob("*.php")) if place.is_dir() else [place]
            for path in files:
                for text in re.findall(pattern, path.read_text()):
                    text = text.replace("\\'", "'")
                    hashed = hashlib.md5(re.sub(r"\\*'", r"\\'", text).encode()).hexdigest()
                    keys[f"<{{crmlink}}prestashop>{source}_{hashed}"] = text
    return keys


def test_strings_are_found():
    texts = set(module_strings().values())
    assert {"CRM link", "Shared secret", "CRM threads", "%d older threads in the CRM.", "New"} <= texts
    assert len(texts) > 25


@pytest.mark.parametrize("iso", ["pl", "en"])
def test_translations_are_complete(php, iso):
    expected = module_strings()
    translated = php.json("translations", iso)
    missing = [f"$_MODULE['{key}'] = '';  // {text}" for key, text in expected.items() if not translated.get(key)]
    assert missing == [], f"add to translations/{iso}.php:\n" + "\n".join(missing)
    assert sorted(set(translated) - set(expected)) == [], "stale entries"
    placeholders = [
        key for key, text in expected.items() if re.findall(r"%[sd]", text) != re.findall(r"%[sd]", translated[key])
    ]
    assert placeholders == []


def test_polish_translation_is_polish(php):
    polish, english = php.json("translations", "pl"), module_strings()
    same = [english[key] for key in english if polish[key] == english[key]]
    assert same == ["Status"]
    assert polish["<{crmlink}prestashop>threads_" + hashlib.md5(b"CRM threads").hexdigest()] == "Wątki w CRM"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output = tmp_path_factory.mktemp("dist") / "crmlink.zip"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build-prestashop-module"), str(output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(" files")
    return output


def test_zip_holds_the_module_folder_with_what_prestashop_needs(built):
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        assert all(name.startswith("crmlink/") for name in names)
        for needed in (
            "crmlink/crmlink.php",
            "crmlink/config.xml",
            "crmlink/logo.png",
            "crmlink/classes/CrmLinkToken.php",
            "crmlink/controllers/admin/AdminCrmLinkController.php",
            "crmlink/translations/pl.php",
            "crmlink/translations/en.php",
            "crmlink/views/templates/hook/threads.tpl",
        ):
            assert needed in names, needed
        folders = {name.rsplit("/", 1)[0] for name in names if not name.endswith("/")} | {
            name.rstrip("/") for name in names if name.endswith("/")
        }
        assert sorted(folder for folder in folders if f"{folder}/index.php" not in names) == []
        guards = {name: archive.read(name) for name in names if name.endswith("/index.php")}
        assert set(guards.values()) == {GUARD.read_bytes()}
        assert not [name for name in names if "/." in name]
        assert archive.read("crmlink/crmlink.php") == MAIN_CLASS.read_bytes()
        assert archive.testzip() is None


def test_zip_is_the_same_on_every_build(built, tmp_path):
    again = tmp_path / "again.zip"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build-prestashop-module"), str(again)], check=True, capture_output=True
    )
    assert again.read_bytes() == built.read_bytes()
