"""Shop employees (ps_employee) imported as staff candidates, made into CRM staff accounts from the admin."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from customers.models import Employee
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:customers_employee_changelist")


@pytest.fixture
def employees(shop, import_settings):
    import_settings.CRM_PRESTASHOP_DB_URL = shop.url
    out = StringIO()
    call_command("import_prestashop", stdout=out, stderr=StringIO())
    assert "ps_employee: 3 read, 3 written" in out.getvalue()
    return Employee.objects.order_by("pk")


def test_employees_are_mirrored_without_their_password(employees):
    assert list(employees.values_list("email", "firstname", "lastname", "active")) == [
        ("ewa.nowak@shop.example", "Ewa", "Nowak", True),
        ("piotr@shop.example", "Piotr", "Zieliński", False),
        ("Anna.W@shop.example", "Anna", "Wiśniewska", True),
    ]
    assert {field.column for field in Employee._meta.concrete_fields} == {
        "id_employee",
        "firstname",
        "lastname",
        "email",
        "active",
    }


def test_admin_creates_staff_accounts_for_active_employees_without_one(client, employees):
    admin = make_staff("admin", superuser=True)
    get_user_model().objects.create_user("anna", email="anna.w@shop.example", is_staff=True)
    client.force_login(admin)
    page = client.get(CHANGELIST).content.decode()
    assert "Create staff accounts for the selected employees" in page and "ewa.nowak@shop.example" in page

    response = client.post(
        CHANGELIST, {"action": "make_staff_accounts", "_selected_action": [e.pk for e in employees]}, follow=True
    )
    assert "Staff accounts created: 1; skipped (inactive or already in the CRM): 2." in response.content.decode()
    ewa = get_user_model().objects.get(email="ewa.nowak@shop.example")
    assert (ewa.username, ewa.first_name, ewa.last_name, ewa.is_staff, ewa.is_superuser) == (
        "ewa.nowak@shop.example",
        "Ewa",
        "Nowak",
        True,
        False,
    )
    assert not ewa.has_usable_password()
    assert not get_user_model().objects.filter(email__iexact="piotr@shop.example").exists()
    assert get_user_model().objects.filter(email__iexact="anna.w@shop.example").count() == 1


def test_employee_list_is_read_only_and_takes_fixed_queries(client, employees, django_assert_max_num_queries):
    client.force_login(make_staff("admin", superuser=True))
    with django_assert_max_num_queries(10):
        assert client.get(CHANGELIST).status_code == 200
    assert client.get(reverse("admin:customers_employee_add")).status_code == 403
