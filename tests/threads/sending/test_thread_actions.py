import pytest

from tests.factories import make_pok, make_staff
from threads import services
from threads.models import EventKind, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(pok):
    return services.create_thread(pok, subject="Pytanie", customer_email="jan@example.pl")


def test_owner_must_be_assigned_to_the_pok(thread, pok):
    outsider = make_staff("outsider", make_pok(name="Other POK"))
    with pytest.raises(services.ActionRefused, match="not assigned to the service point"):
        services.assign_owner(thread, owner=outsider, actor=outsider)
    thread.refresh_from_db()
    assert thread.owner is None
    assert not thread.events.filter(kind=EventKind.ASSIGNED).exists()


def test_assignment_and_status_changes_write_history(thread, pok):
    anna = make_staff("anna", pok)
    boss = make_staff("boss", superuser=True)
    assert services.assign_owner(thread, owner=anna, actor=boss)
    assert not services.assign_owner(thread, owner=anna, actor=boss), "no event when nothing changes"
    assert services.change_status(thread, status=Status.WAITING, actor=anna)
    assert services.assign_owner(thread, owner=None, actor=anna)
    events = list(thread.events.values_list("kind", "old_value", "new_value", "actor__username"))
    assert events == [
        (EventKind.CREATED, "", Status.NEW, None),
        (EventKind.ASSIGNED, "", "anna", "boss"),
        (EventKind.STATUS, Status.NEW, Status.WAITING, "anna"),
        (EventKind.ASSIGNED, "anna", "", "anna"),
    ]
    assert all(e.created_at for e in thread.events.all())


def test_inactive_staff_cannot_own(thread, pok):
    anna = make_staff("anna", pok)
    anna.is_active = False
    anna.save()
    with pytest.raises(services.ActionRefused):
        services.assign_owner(thread, owner=anna)


def test_unknown_status_is_refused(thread):
    with pytest.raises(services.ActionRefused):
        services.change_status(thread, status="deleted")


def test_reply_must_end_waiting_or_archived(thread, pok):
    anna = make_staff("anna", pok)
    with pytest.raises(services.ActionRefused):
        services.reply(thread, author=anna, text="x", then_status=Status.NEW)


def test_first_reply_makes_the_author_owner(thread, pok):
    anna = make_staff("anna", pok)
    services.reply(thread, author=anna, text="x", then_status=Status.ARCHIVED)
    thread.refresh_from_db()
    assert thread.owner == anna
    assert thread.status == Status.NEW and thread.has_pending_delivery, "archived only once delivered"
