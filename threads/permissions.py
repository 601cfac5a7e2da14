"""Which threads a user sees (those of the POKs they work in) and who may own a thread."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from pok.models import Pok
from pok.permissions import pok_staff
from threads.models import Thread


def visible_threads(user: User) -> QuerySet[Thread]:
    threads = Thread.objects.all()
    if user.is_superuser:
        return threads
    return threads.filter(pok__memberships__user=user)


def thread_or_404(user: User, public_id: str) -> Thread:
    thread = visible_threads(user).select_related("pok", "owner").filter(public_id=public_id).first()
    if thread is None:
        raise Http404("No such thread")
    return thread


def may_own(thread: Thread, user: User) -> bool:
    return pok_staff(thread.pok_id).filter(pk=user.pk).exists()


def owned_pok_ids(user: User) -> set[int]:
    """The POKs whose threads the user may own (as pok_staff says, for many POKs in one query)."""
    if not user.is_active:
        return set()
    return set(Pok.objects.filter(memberships__user=user).values_list("pk", flat=True))
