"""Shop employees (ps_employee, imported by import_prestashop) made into CRM staff accounts by an administrator."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from crm.staff import new_staff_account


def with_account_flag(employees):
    """Annotates `has_account`: a CRM account has the employee's e-mail (one query for the whole list)."""
    accounts = get_user_model().objects.filter(email__iexact=OuterRef("email"))
    return employees.annotate(has_account=Exists(accounts))


def create_staff_accounts(employees) -> tuple[int, int]:
    """Staff accounts for the active employees without one; returns (created, skipped)."""
    employees = list(employees)
    created = sum(
        1
        for employee in employees
        if employee.active
        and new_staff_account(employee.email, first_name=employee.firstname, last_name=employee.lastname)
    )
    return created, len(employees) - created
