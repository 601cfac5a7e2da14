"""Who sees what: staff see the POKs they are assigned to, superusers see all."""

from django.http import Http404

from pok.models import Pok
from threads.models import Thread


def visible_poks(user):
    poks = Pok.objects.all()
    if user.is_superuser:
        return poks
    return poks.filter(memberships__user=user)


def visible_threads(user):
    threads = Thread.objects.all()
    if user.is_superuser:
        return threads
    return threads.filter(pok__memberships__user=user)


def pok_or_404(user, pok_id) -> Pok:
    pok = visible_poks(user).filter(pk=pok_id).first()
    if pok is None:
        raise Http404("No such service point")
    return pok


def thread_or_404(user, public_id: str) -> Thread:
    thread = visible_threads(user).select_related("pok", "owner").filter(public_id=public_id).first()
    if thread is None:
        raise Http404("No such thread")
    return thread
