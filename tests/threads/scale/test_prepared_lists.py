"""A POK's unfiltered list reads its rows with SQL built once per list, sort, page and kind of user
(threads.selectors.PokListRows over crm.prepared): the rows are still exactly the ORM's, each user's own."""

import re

import pytest
from django.urls import reverse

from crm import prepared
from tests.factories import make_pok, make_staff
from tests.threads.ui.mails import receive_threads
from threads import selectors, services
from threads.models import Status
from threads.selectors import INBOX_STATUSES, PokListRows, pok_threads, table_rows, with_unread

ORDERS = [("last_message_at", "id"), ("-subject", "-id"), ("owner", "id"), ("-status", "-message_count", "-id")]


def _drawn(rows) -> list[tuple]:
    """Everything a table's cells read of each row."""
    return [
        (
            *(getattr(row, name) for name in selectors.ROW_FIELDS),
            row.pok.pk,
            row.pok.name,
            row.pok.from_address,
            row.owner and (row.owner.pk, row.owner.get_full_name(), row.owner.username),
            row.unread,
        )
        for row in rows
    ]


@pytest.mark.django_db
def test_each_user_sort_and_page_gets_the_rows_of_the_orm(pok_a, anna, monkeypatch):
    pok_b = make_pok(name="Shop B", from_address="bok@shop-b.example")
    threads = receive_threads(pok_a, 9)
    receive_threads(pok_b, 4)
    boss = make_staff("boss", superuser=True)
    services.assign_owner(threads[1], owner=anna)
    services.change_status(threads[2], status=Status.WAITING)
    services.change_status(threads[3], status=Status.ARCHIVED)
    services.mark_read(threads[4:7], user=anna)
    built = []
    monkeypatch.setattr(prepared, "_compiled", {})
    queryset = PokListRows.queryset
    monkeypatch.setattr(PokListRows, "queryset", lambda self, **ids: built.append(ids) or queryset(self, **ids))
    seen = {}
    for _ in range(2):
        for pok in (pok_a, pok_b):
            for user in (anna, boss):
                for statuses in (INBOX_STATUSES, [Status.ARCHIVED]):
                    for order in ORDERS:
                        for window in (slice(0, 4), slice(4, 8)):
                            rows = PokListRows(pok, statuses, user).order_by(*order)[window]
                            orm = table_rows(with_unread(pok_threads(pok, statuses), user)).order_by(*order)[window]
                            assert _drawn(rows) == _drawn(orm)
                            seen[pok.name, user.username, tuple(statuses), order, window.start] = _drawn(rows)
    # Anna has read three of Shop A's INBOX, the superuser none; the other POK's rows are its own.
    unread = [row[-1] for row in seen["Shop A", "anna", INBOX_STATUSES, ORDERS[0], 0]]
    unread += [row[-1] for row in seen["Shop A", "anna", INBOX_STATUSES, ORDERS[0], 4]]
    assert unread == [True, True, True, False, False, False, True, True]
    assert all(row[-1] for row in seen["Shop A", "boss", INBOX_STATUSES, ORDERS[0], 0])
    assert {row[13] for row in seen["Shop B", "anna", INBOX_STATUSES, ORDERS[0], 0]} == {"Shop B"}
    # Built once per list, sort, page and kind of user (staff, superuser), with stand-ins, never real ones.
    stand_ins = [(ids["pok"].pk, ids["user"].pk) for ids in built]
    assert len(stand_ins) == 2 * 2 * len(ORDERS) * 2
    assert set(stand_ins) == {(prepared.MARKERS[0], prepared.MARKERS[1])}


@pytest.mark.django_db
def test_the_list_counts_and_pages_as_a_queryset(pok_a, anna):
    receive_threads(pok_a, 5)
    rows = PokListRows(pok_a, INBOX_STATUSES, anna).order_by("subject", "id")
    assert rows.count() == 5 and len(rows[1:3]) == 2 and rows[3:].count() == 2
    with pytest.raises(TypeError):
        rows[1:3][0:1]


@pytest.mark.django_db
def test_each_poks_list_offers_its_own_staff(client, pok_a, anna):
    pok_b = make_pok(name="Shop B", from_address="bok@shop-b.example")
    make_staff("bob", pok_b)
    client.force_login(make_staff("boss", superuser=True))
    for pok, staff, other in ((pok_a, "Anna Nowak", "bob"), (pok_b, "bob", "Anna Nowak"), (pok_a, "Anna Nowak", "bob")):
        page = client.get(reverse("threads:inbox", args=[pok.pk])).content.decode()
        owners = re.search(r'<select name="owner".*?</select>', page, re.DOTALL).group(0)
        assert f">{staff}<" in owners and f">{other}<" not in owners
