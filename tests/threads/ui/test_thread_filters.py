"""Search and filters on the thread lists: through the pages, with sorting and pagination."""

import re
from datetime import timedelta

from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import BASE_TIME, receive, receive_threads
from threads import services
from threads.models import Status


def subjects(response) -> list[str]:
    return [row.record.subject for row in response.context["table"].page.object_list]


def inbox(client, pok, **params):
    return client.get(reverse("threads:inbox", args=[pok.pk]), params)


def test_full_text_and_field_filters_through_the_page(anna_client, pok_a, anna):
    receive(
        pok_a, sender="Zofia <zofia@firma.example>", subject="Faktura", text="Proszę o fakturę, zamówienie nr 10234."
    )
    receive(pok_a, sender="Jan <jan@example.com>", subject="Paczka", text="Paczka XKBKNABJK nie dotarła do Łodzi.")
    later = receive(
        pok_a,
        sender="Ola <ola@example.com>",
        subject="Zwrot",
        text="Chcę oddać plecak.",
        when=BASE_TIME + timedelta(days=3),
    )
    services.assign_owner(later.thread, owner=anna)

    assert subjects(inbox(anna_client, pok_a, text="lodzi")) == ["Paczka"]
    assert subjects(inbox(anna_client, pok_a, text="FAKTURE")) == ["Faktura"]
    assert subjects(inbox(anna_client, pok_a, subject="zwr")) == ["Zwrot"]
    assert subjects(inbox(anna_client, pok_a, sender="firma.example")) == ["Faktura"]
    assert subjects(inbox(anna_client, pok_a, order="XKBKNABJK")) == ["Paczka"]
    assert subjects(inbox(anna_client, pok_a, order="10234")) == ["Faktura"]
    assert subjects(inbox(anna_client, pok_a, owner=anna.pk)) == ["Zwrot"]
    assert subjects(inbox(anna_client, pok_a, owner="none")) == ["Faktura", "Paczka"]
    day = BASE_TIME.date()
    assert subjects(inbox(anna_client, pok_a, date_from=day + timedelta(days=1))) == ["Zwrot"]
    assert subjects(inbox(anna_client, pok_a, date_to=day)) == ["Faktura", "Paczka"]
    services.change_status(later.thread, status=Status.WAITING)
    assert subjects(inbox(anna_client, pok_a, status="waiting")) == ["Zwrot"]
    assert subjects(inbox(anna_client, pok_a, status="new", text="paczka")) == ["Paczka"]


def test_the_form_shows_the_filters_in_use_and_offers_the_poks_staff(anna_client, pok_a, pok_b, anna):
    make_staff("piotr", pok_a)
    make_staff("outsider", pok_b)
    receive(pok_a)
    page = inbox(anna_client, pok_a, text="parcel", sender="jan@").content.decode()
    assert 'name="text" value="parcel"' in page and 'value="jan@"' in page
    assert "filtered" in page and "Clear" in page
    owners = re.search(r'<select name="owner".*?</select>', page, re.DOTALL).group(0)
    assert ">Anna Nowak<" in owners and "(anna)" not in owners and ">piotr<" in owners and "outsider" not in owners
    assert 'value="none"' in owners
    statuses = re.search(r'<select name="status".*?</select>', page, re.DOTALL).group(0)
    assert 'value="new"' in statuses and 'value="waiting"' in statuses and 'value="archived"' not in statuses
    archive = anna_client.get(reverse("threads:archive", args=[pok_a.pk])).content.decode()
    assert 'name="status"' not in archive and 'name="owner"' in archive
    assert "Clear" not in inbox(anna_client, pok_a).content.decode()


def test_bad_filter_values_are_left_out_and_named(anna_client, pok_a):
    receive(pok_a, subject="Faktura")
    receive(pok_a, subject="Paczka")
    response = inbox(anna_client, pok_a, date_from="31.02.2026x", owner="nobody-here", status="lost", subject="pacz")
    assert response.status_code == 200
    assert subjects(response) == ["Paczka"]
    assert response.content.decode().count('class="field-error"') == 3


def test_filters_survive_sorting_and_pagination(anna_client, pok_a, anna):
    threads = receive_threads(pok_a, 60)
    for thread in threads[:55]:
        services.assign_owner(thread, owner=anna)
    first = inbox(anna_client, pok_a, owner=anna.pk, sort="-subject")
    assert first.context["total"].count == 55
    assert subjects(first)[:2] == ["Question 054", "Question 053"] and len(subjects(first)) == 50
    page = first.content.decode()
    # django-tables2 builds its links from the current query string: the filter stays in them.
    next_page = re.search(r'href="(\?[^"]*page=2[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"owner={anna.pk}" in next_page and "sort=-subject" in next_page
    sort_link = re.search(r'<th[^>]*>\s*<a href="(\?[^"]*sort=subject[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"owner={anna.pk}" in sort_link
    # The form keeps the sort and starts again at page 1.
    assert '<input type="hidden" name="sort" value="-subject">' in page
    second = anna_client.get(reverse("threads:inbox", args=[pok_a.pk]) + next_page)
    assert subjects(second) == [f"Question {n:03d}" for n in range(4, -1, -1)]
