"""Lists that read at a glance: relative ages with the date on hover, the To column short for the POK's own
address, labeled counts, paging above and below the rows (both languages)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import make_staff
from tests.threads.ui.mails import receive, receive_threads
from threads import services
from threads.models import Thread


def rows(page: str) -> list[str]:
    body = page[page.index("<tbody") : page.index("</tbody>")]
    return re.findall(r"<tr.*?</tr>", body, re.DOTALL)


def cell(row: str, name: str) -> str:
    return re.search(rf'<td class="[^"]*col-{name}[^"]*"[^>]*>(.*?)</td>', row, re.DOTALL).group(1)


def test_a_new_thread_says_how_long_the_customer_waits_with_the_date_on_hover(anna_client, pok_a):
    thread = receive(pok_a, when=timezone.now() - timedelta(days=6, hours=2)).thread
    Thread.objects.filter(pk=thread.pk).update(last_customer_at=timezone.now() - timedelta(days=6, hours=1))
    thread.refresh_from_db()
    url = reverse("threads:inbox", args=[pok_a.pk])

    when = cell(rows(anna_client.get(url).content.decode())[0], "last_message_at")
    assert re.search(r'<time datetime="[^"]+" title="[^"]*\d[^"]*">6\xa0days ago</time>', when)
    assert re.search(r'<small class="waiting"><time datetime="[^"]+" title="[^"]+">waiting 6\xa0days</time>', when)

    polish = cell(rows(anna_client.get(url, HTTP_ACCEPT_LANGUAGE="pl").content.decode())[0], "last_message_at")
    assert "6\xa0dni temu" in polish and "czeka 6\xa0dni" in polish

    services.change_status(thread, status="waiting")
    when = cell(rows(anna_client.get(url).content.decode())[0], "last_message_at")
    assert "6\xa0days ago" in when and "waiting 6" not in when, "only a new thread keeps a customer waiting"


def test_the_to_column_shortens_the_pok_s_own_address_and_keeps_others(anna_client, pok_a):
    receive(pok_a, sender="Jan <jan@example.com>")
    other = receive(pok_a, sender="Ewa <ewa@example.com>", subject="Invoice").thread
    Thread.objects.filter(pk=other.pk).update(recipient="faktury@shop-a.example")
    page = anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    to = sorted(cell(row, "recipient") for row in rows(page))
    assert to == [
        '<span class="address" title="bok@shop-a.example">bok@…</span>',
        '<span class="address" title="faktury@shop-a.example">faktury@shop-a.example</span>',
    ]


def test_counts_say_what_they_count(anna_client, pok_a):
    thread = receive(pok_a).thread
    Thread.objects.filter(pk=thread.pk).update(message_count=2)
    receive(pok_a, sender="Ewa <ewa@example.com>", subject="Invoice")
    services.change_status(Thread.objects.get(subject="Invoice"), status="waiting")
    page = anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    statuses = sorted(cell(row, "status") for row in rows(page))
    assert any('<small class="count">2 messages</small>' in status for status in statuses)
    assert any('<small class="count">1 message</small>' in status for status in statuses)
    chips = page[page.index('id="nav-panels"') :]
    assert '<span class="count count-new">1 new</span>' in chips
    assert '<span class="count count-waiting">1 waiting</span>' in chips
    assert '<span class="count count-archived">0 archived</span>' in chips

    polish = anna_client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<span class="count count-new">1 nowy</span>' in polish
    assert '<span class="count count-waiting">1 czeka</span>' in polish
    assert re.search(r'<span class="pill"[^>]*>2 wątki</span>', polish)


def test_paging_is_above_and_below_the_rows(anna_client, pok_a):
    receive_threads(pok_a, 51)
    page = anna_client.get(reverse("threads:inbox", args=[pok_a.pk]), {"page": 2}).content.decode()
    top, bottom = page.index('class="pages pages-top"'), page.index('class="pages pages-bottom"')
    assert top < page.index("<tbody") < page.index("</tbody>") < bottom
    for nav in (page[top : top + 1500], page[bottom : bottom + 1500]):
        assert 'rel="prev"' in nav and "page 2" in nav and '<span aria-current="page">2</span>' in nav
    single = anna_client.get(reverse("threads:archive", args=[pok_a.pk])).content.decode()
    assert "pages-top" not in single and "pages-bottom" not in single


def test_staff_are_shown_by_name_in_the_owner_column_the_filter_and_the_bulk_menu(anna_client, pok_a, anna):
    piotr = make_staff("piotr", pok_a)
    services.assign_owner(receive(pok_a).thread, owner=anna)
    services.assign_owner(receive(pok_a, sender="Ewa <ewa@example.com>", subject="Invoice").thread, owner=piotr)
    page = anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    assert sorted(cell(row, "owner") for row in rows(page)) == ["Anna Nowak", "piotr"]
    for menu in (r'<select name="owner".*?</select>', r'<select id="bulk-action" name="action".*?</select>'):
        options = re.search(menu, page, re.DOTALL).group(0)
        assert ">Anna Nowak</option>" in options and ">piotr</option>" in options
        assert "(anna)" not in options
