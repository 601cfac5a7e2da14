"""scripts/serve for real: gunicorn on a free port against the test database, static files by
WhiteNoise, the TLS-proxy settings from the environment, a one-line refusal of an unmigrated database."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from crm import serve
from mailsync.storing import store_message
from pok.models import Pok
from tests.factories import make_pok
from tests.mailsync.mails import mail
from tests.production.serving import (
    PUBLIC_ORIGIN,
    SERVE,
    START_TIMEOUT,
    cookies,
    log_in,
    production_environment,
    staff_member,
)
from tests.servers._local import HOST, free_port

PAYLOAD = bytes(range(256)) * 300


def test_serves_health_login_and_static_files(transactional_db, start_served):
    pok = make_pok()
    Pok.objects.filter(pk=pok.pk).update(last_success_at=timezone.now())
    served = start_served()

    status, headers, body = served.request("GET", "/healthz")
    assert status == 200, body
    [reported] = json.loads(body)["poks"]
    assert reported["id"] == pok.pk and reported["ok"] and reported["last_successful_sync_age_seconds"] < START_TIMEOUT
    assert headers["Content-Type"] == "application/json"

    status, _headers, page = served.request("GET", "/login/")
    assert status == 200
    [css] = re.findall(r'href="(/static/crm\.[0-9a-f]{12}\.css)"', page.decode())  # hashed by collectstatic

    status, headers, content = served.request("GET", css)
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert b"--" in content or b"{" in content
    status, headers, _zipped = served.request("GET", css, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    assert "gunicorn" in headers.get("Server", "")

    served.request("GET", "/customer/?email=jan.kowalski%40example.com", headers={"Referer": "/search/?q=kowalski"})
    logged = served.wait_for_log('"GET /customer/ HTTP/1.1" 302')
    assert "kowalski" not in logged, "but not the query string or the referrer"


def test_login_behind_a_tls_proxy(transactional_db, start_served):
    """What nginx does: TLS outside, plain HTTP to gunicorn with X-Forwarded-Proto and the public Host."""
    staff_member("anna")
    served = start_served(
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        CSRF_TRUSTED_ORIGINS=PUBLIC_ORIGIN,
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
    )
    proxied = {"Host": "crm.example.com", "X-Forwarded-Proto": "https"}

    status, headers, _body = served.request("GET", "/login/", headers={"Host": "crm.example.com"})
    assert status == 301 and headers["Location"] == f"{PUBLIC_ORIGIN}/login/", "plain HTTP goes to HTTPS"
    assert served.request("GET", "/healthz")[0] == 200, "the load balancer's plain-HTTP probe is not redirected"

    status, headers, _body = served.request("GET", "/login/", headers=proxied)
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert cookies(headers)["csrftoken"]["secure"]
    session = log_in(served, "anna", {**proxied, "Origin": PUBLIC_ORIGIN, "Referer": f"{PUBLIC_ORIGIN}/login/"})
    assert session["secure"] and session["httponly"]


def test_attachments_come_from_the_bucket_through_the_server(transactional_db, s3_bucket, s3_server, start_served, pok):
    _status, message = store_message(pok, mail(attachments=[("faktura.pdf", PAYLOAD, "application/pdf")]))
    attachment = message.attachments.get()
    assert attachment.file.name in s3_server.keys(s3_bucket)
    staff_member("anna", pok)
    served = start_served(**s3_server.environment(s3_bucket))
    session = log_in(served, "anna", {})

    url = reverse("threads:attachment", args=[message.thread.public_id, attachment.pk])
    status, headers, body = served.request("GET", url, headers={"Cookie": f"sessionid={session.value}"})

    assert status == 200 and body == PAYLOAD
    assert headers["Content-Disposition"].startswith("attachment;")


def run_serve(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = production_environment(tmp_path, CRM_WEB_BIND=f"{HOST}:{free_port()}", **overrides)
    return subprocess.run([str(SERVE)], env=env, capture_output=True, text=True, timeout=START_TIMEOUT)


def test_an_unmigrated_database_is_refused_in_one_line(tmp_path):
    result = run_serve(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "the database is not migrated" in result.stderr and "manage.py migrate" in result.stderr
    assert "gunicorn" not in result.stdout


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"CRM_WEB_WORKERS": "many"}, "CRM_WEB_WORKERS"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS"),
        ({"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"}, "SECURE_PROXY_SSL_HEADER"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"CRM_IMAP_TIMEOUT": "soon"}, "CRM_IMAP_TIMEOUT"),
        ({"CRM_MAX_ATTACHMENT_BYTES": "-5"}, "CRM_MAX_ATTACHMENT_BYTES"),
        ({"CSRF_TRUSTED_ORIGINS": "crm.example.com"}, "CSRF_TRUSTED_ORIGINS"),
        ({"DATABASE_URL": f"postgres://crm@{HOST}:{free_port()}/crm"}, "DATABASE_URL"),
    ],
)
def test_wrong_settings_are_refused_in_one_line(tmp_path, variables, named):
    result = run_serve(tmp_path, **variables)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert named in result.stderr


def test_worker_count_from_the_environment():
    command = serve.gunicorn_command({"CRM_WEB_WORKERS": "3", "CRM_WEB_THREADS": "4"}, ["--log-level", "debug"])
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--threads") + 1] == "4"
    assert command[-2:] == ["--log-level", "debug"]
    default = serve.gunicorn_command({}, [])
    expected = min(2 * (os.cpu_count() or 1) + 1, serve.MAX_DEFAULT_WORKERS)
    assert default[default.index("--workers") + 1] == str(expected)
    assert default[default.index("--bind") + 1] == "127.0.0.1:8000"
    assert Path(default[0]).parent == Path(sys.executable).parent
