"""Which POKs a user works in, and who works in a POK: staff see the POKs they are assigned to,
superusers see all."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from crm.staff import by_shown_name
from pok.models import Pok


def visible_poks(user: User) -> QuerySet[Pok]:
    poks = Pok.objects.all()
    if user.is_superuser:
        return poks
    return poks.filter(memberships__user=user)


def pok_or_404(user: User, pok_id: int) -> Pok:
    pok = visible_poks(user).filter(pk=pok_id).first()
    if pok is None:
        raise Http404("No such service point")
    return pok


def pok_staff(pok: Pok | int | None) -> QuerySet[User]:
    """The active users assigned to the POK: the only ones who may own its threads (spec 3.3)."""
    return by_shown_name(get_user_model().objects.filter(pok_memberships__pok=pok, is_active=True))
