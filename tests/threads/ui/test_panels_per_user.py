"""The navigation's POK panels run SQL built once per kind of user (crm.prepared): each user still gets their own
POKs and their own unread counts."""

import pytest

from crm import prepared
from pok.models import Pok
from tests.factories import make_staff
from tests.threads.ui.mails import receive_threads
from threads import selectors, services


def _panels(user) -> dict[str, tuple[int, int]]:
    return {panel.pok.name: (panel.new, panel.unread) for panel in selectors.pok_panels(user)}


@pytest.mark.django_db
def test_each_user_gets_their_own_panels_from_sql_built_once(pok_a, pok_b, anna, bob, monkeypatch):
    receive_threads(pok_a, 3)
    receive_threads(pok_b, 2)
    boss = make_staff("boss", superuser=True)
    services.mark_read(list(pok_a.threads.order_by("pk")[:1]), user=anna)
    built = []
    build = selectors._panel_poks
    monkeypatch.setattr(selectors, "_panel_poks", lambda user: built.append(user.pk) or build(user))
    monkeypatch.setattr(prepared, "_compiled", {})
    for _ in range(2):
        assert _panels(anna) == {"Shop A": (3, 2)}
        assert _panels(bob) == {"Shop B": (2, 2)}
        assert _panels(boss) == {"Shop A": (3, 3), "Shop B": (2, 2)}
    counts = [(p.new, p.waiting, p.archived, p.spam, p.undelivered, p.unread) for p in selectors.pok_panels(boss)]
    assert all(type(n) is int for row in counts for n in row)  # not PostgreSQL's numeric sums
    # Once for the staff, once for the superuser, each time for a stand-in user, never a real one.
    assert built == [prepared.MARKER, prepared.MARKER]


@pytest.mark.django_db
def test_a_query_that_does_not_read_the_user_is_refused(anna):
    with pytest.raises(ValueError, match="does not depend on the user"):
        prepared.for_user("everyone", lambda user: Pok.objects.all(), anna)
