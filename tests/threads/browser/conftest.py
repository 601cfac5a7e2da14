import re

import pytest
from django.core.management import call_command

from mailsync.demo import DEMO_PASSWORD
from pok.models import Pok


@pytest.fixture
def demo(transactional_db, smtp_server):
    """The demo shop and helpdesk; its POKs send through the real test SMTP server."""
    call_command("seed_demo", customers=200, verbosity=0)
    Pok.objects.update(smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_security="none")
    return DEMO_PASSWORD


@pytest.fixture
def outside_world(page, live_server):
    """Requests that leave the live server (carriers' tracking pages, remote images) get a stub page
    and are recorded: the sandbox has no Internet, and the tests check what the browser asked for."""
    requested = []

    def answer(route):
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>outside</title>outside")

    page.context.route(re.compile(r"^https?://(?!" + re.escape(live_server.url.split("://", 1)[1]) + ")"), answer)
    return requested


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
