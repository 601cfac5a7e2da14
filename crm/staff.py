"""Staff accounts made from a shop employee's e-mail (shop sign-in, imported employees): no password, no POKs."""

from django.contrib.auth import get_user_model


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
