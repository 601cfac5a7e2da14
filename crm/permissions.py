"""Who may open a page: decorators built on Django's user_passes_test and permission_required.

Visitors who are not logged in go to the login page; logged-in users without the right get 403.
Which POKs and threads a user sees is decided by pok.permissions and threads.permissions.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import permission_required, user_passes_test
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

View = Callable[..., HttpResponse]

# Seeing, reporting and logging what is held about one person (superusers have it; given in the admin).
PERSONAL_DATA = "customers.view_personal_data"


def _logged_in_and(test: Callable[[Any], bool]) -> Callable[[View], View]:
    """user_passes_test that redirects visitors to the login page and answers other users 403."""

    def check(user: Any) -> bool:
        if not user.is_authenticated:
            return False
        if not test(user):
            raise PermissionDenied
        return True

    return user_passes_test(check)


staff_required = _logged_in_and(lambda user: user.is_staff)
superuser_required = _logged_in_and(lambda user: user.is_superuser)


def sees_personal_data(user: Any) -> bool:
    """user.has_perm(PERSONAL_DATA) as Django's ModelBackend answers it (active superusers have it; others
    through their own or their groups' permissions) in one query instead of its two, and remembered on the
    user for the rest of the request: the navigation of every staff page asks (its "Personal data" link)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_sees_personal_data"):
        app_label, codename = PERSONAL_DATA.split(".")
        granted = Permission.objects.filter(Q(user=user) | Q(group__user=user), codename=codename)
        user._sees_personal_data = granted.filter(content_type__app_label=app_label).exists()
    return user._sees_personal_data


def personal_data_required(view: View) -> View:
    """Staff with the personal-data permission; the pages are never cached."""
    return staff_required(never_cache(permission_required(PERSONAL_DATA, raise_exception=True)(view)))
