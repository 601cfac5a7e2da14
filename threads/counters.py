"""The thread's figures kept for fast lists, recomputed from its messages."""

from django.db.models import Count, F, Max, Q, Value
from django.db.models.functions import Coalesce, Greatest, Now

from threads.models import Delivery, Direction, Message, Thread


def count_incoming(thread: Thread, message: Message) -> None:
    """One more customer message: an incremental update, on the import's hot path."""
    changes = {
        "changed_at": Now(),
        "message_count": F("message_count") + 1,
        "last_message_at": Greatest(Coalesce("last_message_at", Value(message.date)), Value(message.date)),
    }
    if message.parse_problem or message.too_large:
        changes["has_problem"] = True
    if not message.is_auto_reply:
        # The staff's read marks are older now: the thread is unread again (threads.selectors.unread).
        changes["last_customer_at"] = Now()
    Thread.objects.filter(pk=thread.pk).update(**changes)
    thread.message_count += 1
    thread.last_message_at = max(filter(None, [thread.last_message_at, message.date]))
    thread.has_problem = thread.has_problem or "has_problem" in changes


def refresh_counters(thread: Thread) -> None:
    """Recompute the message count, last message time and problem marks from the messages themselves."""
    mail = ~Q(messages__direction=Direction.NOTE)
    staff_reply = Q(messages__is_acknowledgement=False)  # an acknowledgement never marks its thread
    figures = Thread.objects.filter(pk=thread.pk).aggregate(
        count=Count("messages", filter=mail),
        last=Max("messages__date", filter=mail),
        problems=Count("messages", filter=Q(messages__parse_problem=True) | Q(messages__too_large=True)),
        failed=Count("messages", filter=Q(messages__delivery=Delivery.FAILED) & staff_reply),
        pending=Count(
            "messages",
            filter=(
                Q(messages__delivery__in=[Delivery.QUEUED, Delivery.SENDING])
                | Q(messages__delivery=Delivery.FAILED, messages__next_attempt_at__isnull=False)
            )
            & staff_reply,
        ),
    )
    thread.message_count = figures["count"]
    thread.last_message_at = figures["last"] or thread.last_message_at
    thread.has_problem = figures["problems"] > 0
    thread.has_failed_delivery = figures["failed"] > 0
    thread.has_pending_delivery = figures["pending"] > 0
    Thread.objects.filter(pk=thread.pk).update(
        changed_at=Now(),
        message_count=thread.message_count,
        last_message_at=thread.last_message_at,
        has_problem=thread.has_problem,
        has_failed_delivery=thread.has_failed_delivery,
        has_pending_delivery=thread.has_pending_delivery,
    )
