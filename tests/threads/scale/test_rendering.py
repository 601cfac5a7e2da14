"""The thread tables' rows drawn in Python are exactly what django-tables2's own template draws."""

import random
import re
from datetime import UTC, datetime, timedelta
from html import escape
from urllib.parse import quote_plus

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import dateformat, translation
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django_tables2.templatetags.django_tables2 import table_page_range

from tests.threads.ui.mails import receive_threads
from threads import services
from threads.ages import Ages, exact_time, numeric_date_template
from threads.models import Status, Thread
from threads.selectors import INBOX_STATUSES, owned_threads, pok_threads, with_unread
from threads.tables import ThreadTable, _quoted, paginate


def _rows(html: str) -> str:
    """The header row and the rows, whitespace between tags dropped."""
    body = re.search(r"<thead[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", body.strip()))


def _both(request, table) -> tuple[str, str]:
    context = {"table": table}
    return (
        _rows(render_to_string("django_tables2/table.html", context, request=request)),
        _rows(render_to_string("threads/_table.html", context, request=request)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["", "-subject", "owner", "-status"])
def test_rows_match_the_generic_template(pok_a, anna, sort):
    threads = receive_threads(pok_a, 7)
    services.assign_owner(threads[1], owner=anna)
    services.change_status(threads[2], status=Status.WAITING)
    Thread.objects.filter(pk=threads[3].pk).update(has_problem=True, recipient="<sklep@a.example> & co")
    Thread.objects.filter(pk=threads[4].pk).update(has_failed_delivery=True, customer_name="Zoë <b>")
    Thread.objects.filter(pk=threads[5].pk).update(has_pending_delivery=True)
    services.mark_read([threads[6]], user=anna)
    # Another parameter too: the sort links keep it.
    request = RequestFactory().get("/", {"subject": "a & <b>", **({"sort": sort} if sort else {})})
    drawn = {}
    for data, exclude in (
        (with_unread(pok_threads(pok_a, INBOX_STATUSES), anna), ("pok",)),
        (owned_threads(anna, [Status.NEW, Status.WAITING]), ("owner",)),
    ):
        table = paginate(request, ThreadTable(data, order_by="last_message_at", exclude=exclude))
        generic, drawn[exclude] = _both(request, table)
        assert generic == drawn[exclude]
        assert drawn[exclude].count("<tr class=") == data.count() > 0
    assert "Zoë &lt;b&gt;" in drawn[("pok",)] and "&lt;sklep@a.example&gt; &amp; co" in drawn[("pok",)]
    assert "thread-problem" in drawn[("pok",)] and "Shop A" in drawn[("owner",)]
    assert drawn[("pok",)].count(" unread") == 6 and "thread-undelivered" in drawn[("pok",)]
    # Every sortable column but the excluded POK's links to its sort, keeping the other parameter.
    assert drawn[("pok",)].count("subject=a+%26+%3Cb%3E") == 6 and ' orderable"' in drawn[("pok",)]
    assert drawn[("pok",)].count('name="pick"') == 7 and 'class="col-subject"' in drawn[("pok",)]


@pytest.mark.django_db
def test_an_empty_list_says_so(pok_a):
    request = RequestFactory().get("/")
    generic, ours = _both(
        request, paginate(request, ThreadTable(pok_threads(pok_a, [Status.ARCHIVED]), exclude=("pok",)))
    )
    assert generic == ours and "No threads here." in ours


@pytest.mark.parametrize(
    "django_format", ["d-m-Y  H:i", "j.n.Y G:i:s", r"d \d\e m {Y}", "Y-m-d 100%", "m/d/Y P", "D, d M y"]
)
def test_numeric_dates_are_drawn_as_django_draws_them(django_format):
    template = numeric_date_template(django_format)
    if any(letter in django_format for letter in "PDMy"):  # words or a two-digit year: Django's own path
        assert template is None
        return
    for value in (datetime(2026, 1, 2, 3, 4, 5), datetime(999, 12, 31, 23, 59, 9), datetime(2026, 11, 20, 12)):
        assert template.format(value) == dateformat.format(value, django_format)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_last_message_cells_match_date_format(pok_a, language):
    receive_threads(pok_a, 2)
    with translation.override(language):
        for thread in Thread.objects.all():
            expected = date_format(localtime(thread.last_message_at), "SHORT_DATETIME_FORMAT")
            assert exact_time(thread.last_message_at) == expected


@pytest.mark.parametrize("language", ["pl", "en"])
def test_ages_say_what_timesince_says(language):
    """largest_unit and the words drawn once per page give Django's timesince(depth=1), month ends included."""
    rng = random.Random(11)
    now = datetime(2026, 3, 31, 12, 30, 15, tzinfo=UTC)
    values = [now - timedelta(seconds=rng.randint(-3600, 3 * 365 * 24 * 3600)) for _ in range(2000)]
    values += [datetime(2026, 2, 28, 12, 30, 16, tzinfo=UTC), datetime(2025, 3, 31, 12, 30, 15, tzinfo=UTC), now]
    values += [now - timedelta(seconds=59), now - timedelta(days=28, microseconds=1)]
    with translation.override(language):
        ages = Ages(now)
        for value in values:
            expected = timesince(value, now, depth=1)
            assert ages.ago(value) == (
                f'<time datetime="{value.isoformat()}" title="{exact_time(value)}">'
                f"{escape(translation.gettext('%(time)s ago') % {'time': expected})}</time>"
            )


@pytest.mark.parametrize(
    "email", ["jan@example.com", "a.b_c-d~e@x.pl", "jan+shop@example.com", "a b@x.pl", "zoë@x.pl", 'a&"<b>@x', ""]
)
def test_card_links_quote_addresses_as_urlencode_does(email):
    assert _quoted(email) == escape(quote_plus(email))


@pytest.mark.django_db
def test_paging_links_are_those_of_querystring_replace(pok_a, anna, monkeypatch):
    from threads import tables

    monkeypatch.setattr("threads.tables.PER_PAGE", 2)
    receive_threads(pok_a, 30)
    request = RequestFactory().get("/", {"subject": "a & <b>", "sort": "-subject", "page": "12"})
    table = paginate(request, ThreadTable(pok_threads(pok_a, INBOX_STATUSES), exclude=("pok",)))
    tag = Template("{% load django_tables2 %}{% querystring_replace table.prefixed_page_field=p %}")

    def querystring_replace(number) -> str:
        return tag.render(Context({"table": table, "request": request, "p": number}))

    paging = table.paging
    assert [p for p, _link in paging["pages"]] == list(table_page_range(table.page, table.paginator))
    assert "..." in [p for p, _link in paging["pages"]] and paging["previous"] == querystring_replace(11)
    assert paging["next"] == querystring_replace(13)
    assert all(link == (querystring_replace(p) if p != "..." else "") for p, link in paging["pages"])
    page = render_to_string("threads/_table.html", {"table": table}, request=request)
    assert page.count(f'href="{querystring_replace(13)}" rel="next"') == 2 and "&amp;amp;" not in page
    # A query string holding the word that marks the page number's place: still each page's own link.
    request = RequestFactory().get("/", {"subject": tables.PAGE_SPOT, "page": "12"})
    table = paginate(request, ThreadTable(pok_threads(pok_a, INBOX_STATUSES), exclude=("pok",)))
    assert table.paging["next"] == querystring_replace(13)  # of this request and table now
    assert table.paging["next"] == f"?subject={tables.PAGE_SPOT}&amp;page=13"


@pytest.mark.django_db
def test_header_rows_are_drawn_once_per_query_string_in_bounded_memory(pok_a, monkeypatch):
    from threads import tables

    monkeypatch.setattr(tables, "HEADS_KEPT", 5)
    monkeypatch.setattr(ThreadTable, "_heads", {})
    for number in range(12):
        request = RequestFactory().get("/", {"subject": f"word{number}"})
        table = paginate(request, ThreadTable(pok_threads(pok_a, INBOX_STATUSES), order_by="last_message_at"))
        head = table.head_html()
        assert f"subject=word{number}" in head and f"subject=word{number - 1}" not in head
        assert len(ThreadTable._heads) <= 5
        assert table.head_html() is head, "drawn once"
