"""Which thread an incoming message belongs to (spec 11).

1. A token `#XXXXXXX` in the subject names the thread, if that thread belongs
   to the same POK. A token of another POK's thread is ignored: the message
   stays with the mailbox it arrived at, whose staff are the ones who see it
   (the token stays visible in the subject).
2. Otherwise In-Reply-To / References naming a message we hold in this POK
   join that thread (clients that drop the token) — unless that thread is
   archived and the subject is a different one: then an old conversation is not
   reopened by a new topic, and a new thread starts.
3. Otherwise a new thread.

Mail from a sender the POK blocked, or that the receiving server calls spam, starts its own thread
in the Spam view (mailsync.storing). A delivery report (bounce) goes to the thread of the outgoing
message it returns, found by that message's Message-ID, or by a thread token in the subjects with
the reply sent to the failed address.

A token match from an address that never took part in the thread still
joins, but is marked "unknown sender" (tokens are guessable and leak in
forwards).
"""

from dataclasses import dataclass

from django.db.models import Q

from threads.addresses import sender_patterns
from threads.models import BlockedSender, Delivery, Direction, Message, Status, Thread
from threads.public_ids import bare_subject, tokens_in


@dataclass
class Route:
    thread: Thread | None  # None: start a new thread
    unknown_sender: bool = False


def normalized_subject(subject: str) -> str:
    return bare_subject(subject).lower()


def route(pok, subject: str, from_address: str, reference_ids: list[str], known: set[str] | None = None) -> Route:
    """`known`, when given, holds every Message-ID of this POK the references could name (a group's look-up
    of them, known_message_ids): references outside it are not looked up."""
    by_token = _thread_by_token(pok, subject)
    if by_token is not None:
        return Route(by_token, unknown_sender=not took_part(by_token, from_address))
    if known is not None:
        reference_ids = [i for i in reference_ids if i in known]
    by_reference = _thread_by_reference(pok, reference_ids)
    if by_reference is not None and _may_join(by_reference, subject):
        return Route(by_reference)
    return Route(None)


def _thread_by_token(pok, subject: str) -> Thread | None:
    tokens = tokens_in(subject)
    if not tokens:
        return None
    return Thread.objects.filter(pok=pok, public_id__in=tokens).select_related("owner").first()


def _thread_by_reference(pok, reference_ids: list[str]) -> Thread | None:
    ids = [i for i in reference_ids if i]
    if not ids:
        return None
    known = Message.objects.filter(pok=pok, message_id__in=ids).select_related("thread").order_by("-date").first()
    return known.thread if known else None


def known_message_ids(pok, ids: list[str]) -> set[str]:
    """Those of `ids` that name a message of this POK (one query; a group's references at once)."""
    ids = list(dict.fromkeys(i for i in ids if i))
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(
            Message.objects.filter(pok=pok, message_id__in=ids[start : start + 500]).values_list(
                "message_id", flat=True
            )
        )
    return found


def _may_join(thread: Thread, subject: str) -> bool:
    return thread.status != Status.ARCHIVED or normalized_subject(subject) == normalized_subject(thread.subject)


def took_part(thread: Thread, address: str) -> bool:
    address = (address or "").lower()
    if not address:
        return False
    if address == thread.customer_email:
        return True
    return thread.messages.filter(
        Q(from_address__iexact=address) | Q(to__icontains=address) | Q(cc__icontains=address)
    ).exists()


def bounced_original(pok, bounce) -> Message | None:
    """The outgoing message of this POK that a bounce (mailsync.bounces.Bounce) returns, if we sent it."""
    ours = Message.objects.filter(pok=pok, direction=Direction.OUTGOING, delivery=Delivery.SENT).select_related(
        "thread"
    )
    if bounce.message_ids:
        found = ours.filter(message_id__in=bounce.message_ids[:20]).first()
        if found is not None:
            return found
    if not bounce.tokens:
        return None
    candidates = ours.filter(thread__public_id__in=bounce.tokens[:20]).order_by("-sent_at", "-id")
    if bounce.recipient:
        to_them = candidates.filter(to__icontains=bounce.recipient).first()
        if to_them is not None:
            return to_them
    return candidates.first()


class BlockedSenders:
    """A POK's blocked addresses and domains, read once (a sync run reads them once, not per message)."""

    def __init__(self, pok):
        self.patterns = frozenset(BlockedSender.objects.filter(pok=pok).values_list("pattern", flat=True))

    def because(self, address: str) -> str:
        """Why mail from `address` is blocked (the matching address or domain), or ""."""
        if "@" not in (address or ""):
            return ""
        pattern = next((p for p in sender_patterns(address) if p in self.patterns), "")
        return f"blocked: {pattern}" if pattern else ""
