"""scripts/serve started for a test: gunicorn on a free port with crm.settings (not the test settings)
on the test database, and the requests a browser would make to it."""

import http.client
import os
import re
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.conftest import PROJECT_ROOT, _test_database_url
from tests.factories import make_staff
from tests.servers._local import HOST, free_port, log_tail, wait_for_port

SERVE = PROJECT_ROOT / "scripts" / "serve"
PUBLIC_ORIGIN = "https://crm.example.com"
START_TIMEOUT = 120


def production_environment(tmp_path: Path, **overrides) -> dict[str, str]:
    """crm.settings (not the test settings) as an operator would set it, on the test database."""
    # Not the test settings' own variables either: HTTPS=false there would make the cookies insecure.
    inherited = {key: value for key, value in os.environ.items() if key != "HTTPS"}
    env = {key: value for key, value in inherited.items() if not key.startswith(("DJANGO_", "CRM_S3"))}
    env.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        DATABASE_URL=_test_database_url(),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,crm.example.com",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        CRM_WEB_WORKERS="2",
    )
    return {**env, **overrides}


class Served:
    def __init__(self, port: int, log: Path):
        self.port, self.log = port, log

    def wait_for_log(self, text: str, timeout: float = 10) -> str:
        """The server's log once it has `text` (a worker writes its access line after answering)."""
        deadline = time.monotonic() + timeout
        while text not in (logged := self.log.read_text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the log:\n{logged[-2000:]}")
            time.sleep(0.1)
        return logged

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.msg, response.read()
        finally:
            connection.close()


@pytest.fixture
def start_served(tmp_path):
    processes = []

    def start(**overrides) -> Served:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        env = production_environment(tmp_path, CRM_WEB_BIND=f"{HOST}:{port}", **overrides)
        with log.open("wb") as output:
            process = subprocess.Popen([str(SERVE)], env=env, stdout=output, stderr=subprocess.STDOUT)
        processes.append(process)
        try:
            wait_for_port(port, START_TIMEOUT, is_alive=lambda: process.poll() is None)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"scripts/serve did not start: {error}\n{log_tail(log)}")
        return Served(port, log)

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def staff_member(username: str, *poks):
    user = make_staff(username, *poks)
    # The production settings know no MD5 (the test hasher): a PBKDF2 hash, cheap to check.
    user.password = PBKDF2PasswordHasher().encode(f"pass-{username}", "salt1234", iterations=1000)
    user.save()
    return user


def cookies(headers) -> SimpleCookie:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return jar


def log_in(served: Served, username: str, headers: dict):
    """The session cookie (a Morsel) of `username`, logged in through the form as a browser does."""
    status, answer, body = served.request("GET", "/login/", headers=headers)
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"username": username, "password": f"pass-{username}", "csrfmiddlewaretoken": token})
    status, answer, body = served.request(
        "POST",
        "/login/",
        body=form,
        headers={
            **headers,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies(answer)['csrftoken'].value}",
        },
    )
    assert status == 302, body[:300]
    assert answer["Location"] == "/"
    return cookies(answer)["sessionid"]
