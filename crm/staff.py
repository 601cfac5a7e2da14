"""Staff accounts: made from a shop employee's e-mail (shop sign-in, imported employees: no password, no POKs),
and listed in the order of the names staff see."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim


def new_staff_account(email: str, *, first_name: str = "", last_name: str = ""):
    """A new active staff account named by the lower-cased e-mail, or None when that e-mail or name is taken."""
    users = get_user_model().objects
    username = email.strip().lower()
    too_long = len(username) > users.model._meta.get_field("username").max_length
    if too_long or "@" not in username or users.filter(email__iexact=username).exists():
        return None
    if users.filter(username=username).exists():
        return None
    # No usable password: the account signs in from the shop until an administrator sets one.
    return users.create_user(
        username, email=username, first_name=first_name[:150], last_name=last_name[:150], is_staff=True
    )


def by_shown_name(users: QuerySet) -> QuerySet:
    """Users ordered as their menus show them: by full name, or by login for those who have none (case-blind)."""
    full_name = NullIf(Trim(Concat("first_name", Value(" "), "last_name")), Value(""))
    return users.annotate(shown_name=Lower(Coalesce(full_name, "username"))).order_by("shown_name", "username")
