"""Cron panel and token URLs (spec 4): crontab lines as django-crontab writes them, jobs run from a URL."""

import os
import re
import subprocess
import sys
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from crm.locks import exclusive
from pok import cron
from pok.models import CronRun
from tests.factories import make_pok, make_staff
from tests.servers._local import free_port

TOKEN = "t0k3n-" + "x" * 40
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(make_staff("root", superuser=True))
    return client


@pytest.fixture
def urls_on(settings):
    settings.CRM_CRON_URLS_ENABLED = True
    settings.CRM_CRON_TOKEN = TOKEN


def run_url(job):
    return reverse("pok:run", args=[job])


def panel_html(client):
    response = client.get(reverse("pok:panel"))
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_panel_shows_the_lines_crontab_add_writes(superuser_client, tmp_path, settings):
    """`manage.py crontab add` against a stand-in crontab program: the panel shows exactly what it installs."""
    store = tmp_path / "crontab.txt"
    fake = tmp_path / "crontab.sh"
    fake.write_text(f'#!/bin/sh\nif [ "$1" = "-l" ]; then cat {store} 2>/dev/null; else cp "$1" {store}; fi\n')
    settings.CRONTAB_EXECUTABLE = f"sh {fake}"
    call_command("crontab", "add", stdout=StringIO())
    installed = store.read_text().splitlines()
    assert len(installed) == len(settings.CRONJOBS) >= 3
    html = panel_html(superuser_client)
    for line in installed:
        assert line in html
        assert "manage.py crontab run" in line and str(ROOT) in line
    for name in ("sync_inbox", "send_outbox", "reindex_customers"):
        assert f'id="job-{name}"' in html
    assert "*/2 * * * *" in html
    assert "manage.py crontab add" in html


def test_every_cronjob_is_listed_with_its_line(settings):
    assert {"sync_inbox", "send_outbox", "reindex_customers"} <= set(cron.job_names())
    settings.CRONJOBS = settings.CRONJOBS + [("*/15 * * * *", "pok.cron.run_job", ["import_prestashop"])]
    assert cron.job_names()[-1] == "import_prestashop"
    assert len(cron.crontab_lines()) == len(settings.CRONJOBS)


def test_panel_is_for_superusers_only(client, pok):
    assert client.get(reverse("pok:panel")).status_code == 302
    client.force_login(make_staff("anna", pok))
    assert client.get(reverse("pok:panel")).status_code == 403


def run_job_url(client, job, token=TOKEN):
    """POST the job's URL as a hosting cron does: the token in the header."""
    headers = {} if token is None else {"X-Cron-Token": token}
    return client.post(run_url(job), headers=headers)


def test_urls_disabled_answer_404_and_run_nothing(client, db, settings):
    settings.CRM_CRON_URLS_ENABLED = False
    settings.CRM_CRON_TOKEN = TOKEN
    assert run_job_url(client, "send_outbox").status_code == 404
    assert not CronRun.objects.exists()


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x"])
def test_wrong_or_missing_token_is_refused_and_runs_nothing(client, db, urls_on, token):
    response = run_job_url(client, "send_outbox", token)
    assert response.status_code == 403
    assert not CronRun.objects.exists()


def test_token_in_the_url_or_the_body_is_not_accepted(client, db, urls_on):
    """A token in a URL lands in access logs and browser history: only the header counts, only on POST."""
    assert client.get(run_url("send_outbox"), {"token": TOKEN}).status_code == 405
    assert client.get(run_url("send_outbox"), headers={"X-Cron-Token": TOKEN}).status_code == 405
    assert client.post(f"{run_url('send_outbox')}?token={TOKEN}").status_code == 403
    assert client.post(run_url("send_outbox"), {"token": TOKEN}).status_code == 403
    assert not CronRun.objects.exists()


def test_right_token_runs_the_job_and_the_panel_shows_it(client, superuser_client, urls_on):
    response = run_job_url(Client(), "send_outbox")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    # Only how it went: the output (hosts, users, counts) is for the panel.
    assert response.content.decode() == "send_outbox: ok\n"
    run = CronRun.objects.get()
    assert (run.job, run.via, run.ok) == ("send_outbox", "url", True)
    assert run.finished_at >= run.started_at
    html = panel_html(superuser_client)
    row = html[html.index('id="job-send_outbox"') :]
    row = row[: row.index("</tr>")]
    assert "OK" in row and "Outbox: sent 0, failed 0" in row and "(URL)" in row
    # The panel gives the command to paste into the hosting's cron.
    command = f"curl -fsS -X POST -H 'X-Cron-Token: {TOKEN}' http://testserver/cron/run/send_outbox/"
    assert command in html
    assert "?token=" not in html


def test_the_panel_command_runs_the_job(live_server, superuser_client, urls_on):
    """The curl line shown on the panel, run as it is against a real server, starts the job."""
    html = panel_html(superuser_client)
    command = re.search(r"curl -fsS -X POST [^<]*/cron/run/send_outbox/", html).group(0)
    command = command.replace("http://testserver", live_server.url)
    completed = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    assert (completed.returncode, completed.stdout) == (0, "send_outbox: ok\n")
    assert CronRun.objects.filter(job="send_outbox", via="url", ok=True).count() == 1


def test_post_with_the_token_header_needs_no_csrf_token(db, urls_on):
    response = run_job_url(Client(enforce_csrf_checks=True), "send_outbox")
    assert response.status_code == 200
    assert CronRun.objects.filter(job="send_outbox", ok=True).count() == 1


def test_unknown_job_is_404(client, db, urls_on):
    assert run_job_url(client, "flush").status_code == 404
    assert not CronRun.objects.exists()


def test_a_job_never_runs_twice_at_once(client, db, urls_on):
    with exclusive(cron.lock_name("send_outbox")):
        response = run_job_url(client, "send_outbox")
    assert response.status_code == 409
    assert response.content.decode() == "send_outbox: busy (already running)\n"
    assert not CronRun.objects.exists()
    assert run_job_url(client, "send_outbox").status_code == 200


def test_failing_job_is_recorded_as_failed(client, urls_on, superuser_client):
    make_pok(name="Unreachable", imap_host="127.0.0.1", imap_port=free_port(), imap_user="secret-user")
    response = run_job_url(Client(), "sync_inbox")
    assert response.status_code == 500
    # No host, user or POK in the answer: the panel shows the output.
    assert response.content.decode() == "sync_inbox: failed\n"
    run = CronRun.objects.get(job="sync_inbox")
    assert run.ok is False and "Unreachable" in run.summary
    html = panel_html(superuser_client)
    row = html[html.index('id="job-sync_inbox"') :]
    assert "failed" in row[: row.index("</tr>")]


def test_old_runs_are_pruned(db, monkeypatch, capsys):
    monkeypatch.setattr(cron, "RUNS_KEPT_PER_JOB", 3)
    for _ in range(5):
        cron.run_job("send_outbox")
    assert CronRun.objects.filter(job="send_outbox").count() == 3
    assert "Outbox: sent 0" in capsys.readouterr().out  # run by cron: the output still goes to cron


@pytest.mark.django_db(transaction=True)
def test_crontab_run_records_the_run(run_manage):
    """What cron really executes: `manage.py crontab run <hash>` from the installed line."""
    index = cron.job_names().index("send_outbox")
    line = cron.crontab_lines()[index]
    job_hash = re.search(r"crontab run (\w+)", line).group(1)
    result = run_manage("crontab", "run", job_hash)
    assert result.returncode == 0, result.stderr
    assert "Outbox: sent 0" in result.stdout
    run = CronRun.objects.get()
    assert (run.job, run.via, run.ok) == ("send_outbox", "cron", True)


def manage_check(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CRM_") and k != "DATABASE_URL"}
    environment.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        DEBUG="true",
        CRM_LOCAL_SECRETS_FILE=str(tmp_path / "s"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        check=False,
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env, setting",
    [
        ({"CRM_CRON_URLS_ENABLED": "true"}, "CRM_CRON_TOKEN"),
        ({"CRM_CRON_URLS_ENABLED": "true", "CRM_CRON_TOKEN": "short"}, "CRM_CRON_TOKEN"),
        ({"CRM_MARKETPLACE_LOGIN_PATTERNS": '["no group"]'}, "CRM_MARKETPLACE_LOGIN_PATTERNS"),
        ({"CRM_MARKETPLACE_LOGIN_PATTERNS": '["(unclosed"]'}, "CRM_MARKETPLACE_LOGIN_PATTERNS"),
        ({"CRM_MARKETPLACE_LOGIN_PATTERNS": "not json"}, "CRM_MARKETPLACE_LOGIN_PATTERNS"),
    ],
)
def test_bad_settings_give_one_line_naming_them(tmp_path, env, setting):
    result = manage_check(tmp_path, **env)
    assert result.returncode != 0
    errors = [line for line in result.stderr.strip().splitlines() if not line.startswith("WARNING")]
    assert len(errors) == 1 and setting in errors[0] and "Traceback" not in result.stderr, result.stderr


def test_good_cron_settings_pass(tmp_path):
    result = manage_check(tmp_path, CRM_CRON_URLS_ENABLED="true", CRM_CRON_TOKEN=TOKEN)
    assert result.returncode == 0, result.stderr


def test_panel_shows_plain_commands_and_readable_crontab_lines(superuser_client, settings):
    html = panel_html(superuser_client)
    python = sys.executable
    pasted = html.split('data-testid="crontab-lines"><code>', 1)[1].split("</code>", 1)[0].splitlines()
    schedules = [schedule for schedule, *_rest in settings.CRONJOBS]
    assert pasted == [
        f"{s} cd {ROOT} && {python} manage.py run_job {name}"
        for s, name in zip(schedules, cron.job_names(), strict=True)
    ]
    assert f'<code data-testid="command">{python} manage.py sync_inbox</code>' in html
    assert "crontab run" not in "\n".join(pasted)


@pytest.mark.django_db(transaction=True)
def test_a_pasted_crontab_line_runs_the_job_and_records_it(settings):
    """The line's command, run by a shell as cron runs it, on the test database."""
    from tests.conftest import _manage_command

    _args, env = _manage_command((), settings)
    line = cron.readable_line("*/5 * * * *", "send_outbox")
    command = line.split(" ", 5)[5]
    result = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Outbox: sent 0" in result.stdout
    run = CronRun.objects.get()
    assert (run.job, run.via, run.ok) == ("send_outbox", "cron", True)


@pytest.mark.django_db(transaction=True)
def test_run_job_names_the_jobs_when_the_job_is_unknown(run_manage):
    result = run_manage("run_job", "no_such_job")
    assert result.returncode != 0
    assert f"No cron job 'no_such_job'; the jobs are: {', '.join(cron.job_names())}" in result.stderr
    assert not CronRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_run_job_does_nothing_while_the_job_runs(run_manage):
    with exclusive(cron.lock_name("send_outbox")):
        result = run_manage("run_job", "send_outbox")
    assert result.returncode == 0 and "send_outbox is already running" in result.stdout
    assert not CronRun.objects.exists()
