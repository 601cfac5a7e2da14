"""docs/deploy.md for real: its nginx configuration in front of scripts/serve with the TLS-proxy settings the
docs give (plain HTTP goes to HTTPS, a browser logs in through TLS with no CSRF 403, HSTS and secure
cookies), and its systemd unit as systemd reads it, with gunicorn telling systemd when it is ready."""

import http.client
import re
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.production.serving import SERVE, START_TIMEOUT, production_environment, staff_member
from tests.servers._local import HOST, free_port, self_signed_cert, short_tempdir
from tests.servers.nginx import start_nginx

DEPLOY_DOC = PROJECT_ROOT / "docs" / "deploy.md"


def documented(language: str, heading: str) -> str:
    """The first ```language block after `heading` in docs/deploy.md."""
    found = re.search(rf"{re.escape(heading)}.*?```{language}\n(.*?)```", DEPLOY_DOC.read_text(), re.S)
    assert found, f"docs/deploy.md has no {language} block after {heading!r}"
    return found.group(1)


def local(text: str, replacements: list[tuple[str, str]]) -> str:
    for documented_text, replacement in replacements:
        assert documented_text in text, f"docs/deploy.md no longer says {documented_text!r}"
        text = text.replace(documented_text, replacement)
    return text


class Proxied:
    def __init__(self, http_port: int, https_port: int):
        self.http_port, self.https_port = http_port, https_port
        self.origin = f"https://{HOST}:{https_port}"


@pytest.fixture
def proxied(transactional_db, start_served, tmp_path):
    http_port, https_port = free_port(), free_port()
    proxy = Proxied(http_port, https_port)
    served = start_served(
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        CSRF_TRUSTED_ORIGINS=proxy.origin,
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
    )
    certificates = tmp_path / "certificates"
    certificates.mkdir()
    self_signed_cert(certificates)
    config = local(
        documented("nginx", "## nginx"),
        [
            ("server 127.0.0.1:8000;", f"server {HOST}:{served.port};"),
            ("listen 80;", f"listen {HOST}:{http_port};"),
            ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
            ("/etc/letsencrypt/live/crm.example.com/fullchain.pem", str(certificates / "cert.pem")),
            ("/etc/letsencrypt/live/crm.example.com/privkey.pem", str(certificates / "key.pem")),
        ],
    )
    # The test machine may have no IPv6 loopback.
    config = "\n".join(line for line in config.splitlines() if "listen [::]" not in line)
    nginx = start_nginx(config, short_tempdir("crm-nginx-"), [http_port, https_port])
    yield proxy
    nginx.stop()


def test_plain_http_goes_to_https(proxied):
    connection = http.client.HTTPConnection(HOST, proxied.http_port, timeout=30)
    connection.request("GET", "/login/?next=/mine/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/login/?next=/mine/"


def test_a_browser_logs_in_through_the_tls_proxy(proxied, browser):
    staff_member("anna")
    context = browser.new_context(locale="en-US", ignore_https_errors=True)
    page = context.new_page()
    try:
        login = page.goto(f"{proxied.origin}/login/")
        assert login.status == 200
        assert login.headers["strict-transport-security"] == "max-age=31536000"
        page.fill("#id_username", "anna")
        page.fill("#id_password", "pass-anna")
        with page.expect_navigation() as landed:
            page.click("button[type=submit]")
        assert landed.value.status == 200, "no CSRF 403 behind the proxy"
        assert page.url == f"{proxied.origin}/"
        assert page.locator("h1").inner_text() == "Overview"
        jar = {cookie["name"]: cookie for cookie in context.cookies()}
        assert jar["sessionid"]["secure"] and jar["sessionid"]["httpOnly"]
        assert jar["csrftoken"]["secure"]
    finally:
        context.close()


def test_the_systemd_unit_is_valid_as_documented(tmp_path):
    account = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True, check=True).stdout.strip()
    unit = local(
        documented("ini", "/etc/systemd/system/crm-web.service"),
        [("/srv/crm", str(PROJECT_ROOT)), ("User=crm", f"User={account}"), ("Group=crm", f"Group={group}")],
    )
    path = tmp_path / "crm-web.service"
    path.write_text(unit)
    # systemd-analyze only warns about a line it cannot parse: any output at all is a finding.
    checked = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and not (checked.stdout + checked.stderr).strip(), checked.stderr


def test_the_server_tells_systemd_it_is_ready(transactional_db, tmp_path):
    """Type=notify in the unit: gunicorn sends READY=1 to $NOTIFY_SOCKET once it serves."""
    notify_path = Path(short_tempdir("crm-notify-")) / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(notify_path))
        notify.settimeout(START_TIMEOUT)
        env = production_environment(tmp_path, CRM_WEB_BIND=f"{HOST}:{free_port()}", NOTIFY_SOCKET=str(notify_path))
        process = subprocess.Popen([str(SERVE)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            messages = notify.recv(4096).decode()
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert "READY=1" in messages.split("\n")
