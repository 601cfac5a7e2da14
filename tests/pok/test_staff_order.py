"""Staff menus list people in the order of the names they show, not of their logins."""

import pytest

from pok.permissions import pok_staff
from tests.factories import make_pok, make_staff
from threads.forms import staff_label
from threads.selectors import possible_owners

pytestmark = pytest.mark.django_db

# login -> (first name, last name): the logins' order is the reverse of the names'.
STAFF = {
    "a.zielinska": ("Zofia", "Zielińska"),
    "b.kowal": ("anna", "Kowal"),
    "c.nameless": ("", ""),
    "d.baran": ("Bartosz", ""),
}


def named_staff(*poks):
    for login, (first, last) in STAFF.items():
        user = make_staff(login, *poks)
        user.first_name, user.last_name = first, last
        user.save()


def test_pok_staff_are_ordered_by_the_name_shown_case_blind():
    pok = make_pok()
    named_staff(pok)
    assert [staff_label(user) for user in pok_staff(pok)] == ["anna Kowal", "Bartosz", "c.nameless", "Zofia Zielińska"]


def test_possible_owners_are_ordered_by_name_once_each_across_poks():
    first, second = make_pok(), make_pok(name="Second POK")
    named_staff(first, second)
    viewer = make_staff("viewer", first, second)
    assert [staff_label(user) for user in possible_owners(viewer)] == [
        "anna Kowal",
        "Bartosz",
        "c.nameless",
        "viewer",
        "Zofia Zielińska",
    ]
