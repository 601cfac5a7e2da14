"""threads.stats.figures on a hand-made helpdesk (tests/threads/stats/dataset.py): every figure worked out by hand."""

from datetime import date

import pytest

from tests.threads.stats.dataset import PERIOD
from threads.stats.figures import Durations, percentile, report

MIN = 60
HOUR = 3600


def by_name(items):
    return {item.name: item for item in items}


def times(durations):
    return durations.count, durations.median, durations.p90


def daily(result, pok_name):
    return {row.day.day: (row.received, row.answered) for row in result.day_rows if row.pok_name == pok_name}


@pytest.mark.parametrize(
    "values, median, p90",
    [
        ([7], 7, 7),
        ([30, 10, 20], 20, 28),  # odd count: the middle one; p90 interpolated at rank 1.8
        ([10, 40, 30, 20], 25, 37),  # even count: the mean of the middle two; p90 at rank 2.7
    ],
)
def test_percentiles_interpolate_like_percentile_cont(values, median, p90):
    assert percentile(values, 0.5) == pytest.approx(median)
    assert percentile(values, 0.9) == pytest.approx(p90)


def test_percentile_of_nothing_is_none():
    assert percentile([], 0.5) is None
    assert Durations.of([]) == Durations(0, None, None)


def test_received_and_answered_per_day_in_the_site_time_zone(helpdesk):
    result = report(helpdesk["boss"], *PERIOD)
    assert result.days == [date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)]
    # Goose: t1 on the 3rd; t2 (23:30 UTC = 00:30 Warsaw) and t3 on the 4th; t4 and t8 on the 5th.
    # The mail at 23:30 UTC on the 5th is on the 6th in Warsaw; the auto-reply-only thread is not received.
    # Answered: t1 and t7 on the 3rd; t2 (00:00 UTC), t1, t3 on the 4th; t8's reply is on the 6th.
    assert daily(result, "Sklep Gęś – BOK") == {3: (1, 2), 4: (2, 3), 5: (2, 0)}
    assert daily(result, "Goose Shop") == {3: (0, 0), 4: (2, 2), 5: (1, 1)}


def test_figures_per_pok(helpdesk):
    result = report(helpdesk["boss"], *PERIOD)
    poks = by_name(result.poks)
    assert [figures.name for figures in result.poks] == ["Goose Shop", "Sklep Gęś – BOK"]

    goose = poks["Sklep Gęś – BOK"]
    assert (goose.received, goose.answered, goose.unanswered) == (5, 5, 1)
    # First responses 10, 30, 50, 40 min: an even count.
    assert times(goose.first_response) == pytest.approx((4, 35 * MIN, 47 * MIN))
    # Resolutions 26 h (t1) and 24 h (t3); t7 was first archived before the period, t5 holds only an auto-reply.
    assert goose.resolution.count == 2
    assert goose.resolution.median == pytest.approx(25 * HOUR)
    assert goose.resolution.p90 == pytest.approx(25.8 * HOUR)

    shop_b = poks["Goose Shop"]
    assert (shop_b.received, shop_b.answered, shop_b.unanswered) == (3, 3, 0)
    # 60, 20, 90 min: an odd count.
    assert times(shop_b.first_response) == pytest.approx((3, 60 * MIN, 84 * MIN))
    assert shop_b.resolution == Durations()


def test_totals_pool_the_times_of_all_poks(helpdesk):
    total = report(helpdesk["boss"], *PERIOD).total
    assert (total.received, total.answered, total.unanswered) == (8, 8, 1)
    # 10, 20, 30, 40, 50, 60, 90 min
    assert times(total.first_response) == pytest.approx((7, 40 * MIN, 72 * MIN))


def test_figures_per_staff_member(helpdesk):
    staff = report(helpdesk["boss"], *PERIOD).staff
    assert [figures.name for figures in staff] == ["Anna Żak", "john", "boss"]
    anna, john, boss = staff
    # Anna: replies on t1 (twice), t2, t7; owns t1, t2, t8; answered t1, t2, t8 first (10, 30, 40 min).
    assert (anna.replies, anna.owned) == (4, 3)
    assert times(anna.first_response) == pytest.approx((3, 30 * MIN, 38 * MIN))
    assert (john.replies, john.owned, john.first_response.median) == (3, 3, 60 * MIN)
    # The superuser is no staff of the POK: he answered t3 first but owns nothing.
    assert (boss.replies, boss.owned, boss.first_response.count, boss.first_response.median) == (1, 0, 1, 50 * MIN)


def test_pok_filter_keeps_only_the_chosen_poks(helpdesk):
    result = report(helpdesk["boss"], *PERIOD, pok_ids=[helpdesk["shop_b"].pk])
    assert [figures.name for figures in result.poks] == ["Goose Shop"]
    assert result.total.received == 3
    assert {row.pok_name for row in result.day_rows} == {"Goose Shop"}
    assert [figures.name for figures in result.staff] == ["john"]


def test_staff_see_only_their_own_poks(helpdesk):
    result = report(helpdesk["john"], *PERIOD)
    assert [figures.name for figures in result.poks] == ["Goose Shop"]
    assert result.total.received == 3
    assert [figures.name for figures in result.staff] == ["john"]
    # Asking for another POK gives nothing of it.
    other = report(helpdesk["john"], *PERIOD, pok_ids=[helpdesk["goose"].pk])
    assert (other.poks, other.day_rows, other.staff, other.total.received) == ([], [], [], 0)


def test_a_period_without_mail_is_all_zeros(helpdesk):
    result = report(helpdesk["boss"], date(2024, 1, 1), date(2024, 1, 2))
    assert [row.received + row.answered for row in result.day_rows] == [0, 0, 0, 0]
    assert result.total.first_response == Durations()
    assert result.staff == []
