"""The statistics page in Debian's Chromium: the charts are drawn from local files, with a month of mail.

The screenshot is for the README (docs/screenshots with CRM_UPDATE_SCREENSHOTS=1)."""

import random
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.factories import make_pok, make_staff
from tests.threads.stats.dataset import answer, archive, receive

CHARTS = ["chart-received", "chart-answered", "chart-first-response", "chart-resolution", "chart-staff"]


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def build_month(now):
    """About 30 days of customer mail in two POKs, answered by three people, some of it archived."""
    rng = random.Random(8)
    goose = make_pok(name="Sklep Gęś – BOK")
    support = make_pok(name="Goose Shop – Support", language="en", from_address="support@goose.example")
    teams = {
        goose: [
            _name(make_staff("anna", goose), "Anna", "Nowak"),
            _name(make_staff("piotr", goose), "Piotr", "Wiśniewski"),
        ],
        support: [_name(make_staff("john", support), "John", "Smith")],
    }
    for days_ago in range(29, -1, -1):
        day = now - timedelta(days=days_ago)
        weekend = day.weekday() >= 5
        for pok, daily in ((goose, (1, 3) if weekend else (3, 8)), (support, (0, 2) if weekend else (1, 4))):
            for _ in range(rng.randint(*daily)):
                _conversation(
                    rng, pok, teams[pok], day.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59)), now
                )


def _conversation(rng, pok, team, received_at, now):
    thread = receive(pok, received_at)
    author = rng.choice(team)
    replied_at = received_at + timedelta(minutes=int(rng.lognormvariate(4.2, 0.9)))
    if replied_at > now or rng.random() < 0.08:
        return
    answer(thread, author, replied_at)
    if rng.random() < 0.35:  # the customer writes again and gets a second answer
        received_at = replied_at + timedelta(hours=rng.uniform(1, 20))
        replied_at = received_at + timedelta(minutes=int(rng.lognormvariate(4.0, 0.8)))
        if replied_at > now:
            return
        receive(pok, received_at, thread=thread)
        answer(thread, author, replied_at)
    archived_at = replied_at + timedelta(hours=rng.uniform(1, 60))
    if archived_at < now and rng.random() < 0.7:
        archive(thread, archived_at)


@pytest.mark.browser
def test_statistics_page_draws_its_charts(transactional_db, live_server, page, screenshots):
    build_month(timezone.now() - timedelta(hours=1))
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("chief", "", "x"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(request.url))
    page.set_viewport_size({"width": 1360, "height": 900})

    page.goto(f"{live_server.url}/stats/")

    page.wait_for_function(
        "() => window.Chart && Chart.getChart('chart-staff')"
    )  # a function: CSP forbids eval of a string
    drawn = page.evaluate(f"{CHARTS}.map(id => Chart.getChart(id).data.datasets.length)")
    assert drawn == [2, 2, 2, 2, 2]
    assert page.evaluate("Chart.getChart('chart-received').data.datasets.map(d => d.label)") == [
        "Goose Shop – Support",
        "Sklep Gęś – BOK",
    ]
    assert page.locator("#stats-staff-table tbody tr").count() == 3
    assert errors == []
    page.screenshot(path=screenshots / "statistics.png", full_page=True)
