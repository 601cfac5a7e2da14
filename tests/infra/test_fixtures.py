"""manage.py subprocesses share the test database and MEDIA_ROOT; Chromium loads the live server."""

import signal

import pytest
from django.contrib.auth.models import User

SHELL = ("shell", "--no-imports", "-c")


def test_run_manage_sees_committed_test_data(transactional_db, run_manage):
    User.objects.create_user("subprocess-check")
    result = run_manage(*SHELL, "from django.contrib.auth.models import User; print(User.objects.get().username)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "subprocess-check"


def test_run_manage_uses_the_test_media_root(transactional_db, run_manage, media_root):
    result = run_manage(*SHELL, "from django.conf import settings; print(settings.MEDIA_ROOT)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(media_root)


def test_spawn_manage_can_be_killed_mid_run(transactional_db, spawn_manage):
    process = spawn_manage(*SHELL, "print('started', flush=True); import time; time.sleep(60)")
    assert process.stdout.readline().strip() == "started"
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL


@pytest.mark.browser
def test_chromium_logs_into_admin_on_live_server(transactional_db, live_server, page):
    User.objects.create_superuser("browser-admin", "admin@example.test", "a-long-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "browser-admin")
    page.fill("input[name=password]", "a-long-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "browser-admin" in page.content().lower()
    assert User.objects.get(username="browser-admin").last_login is not None
