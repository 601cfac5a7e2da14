"""The thread's figures kept for fast lists, recomputed from its messages."""

from django.db.models import Count, Max, Q

from threads.models import Delivery, Direction, Thread


def refresh_counters(thread: Thread) -> None:
    """Recompute the message count, last message time and problem marks from the messages themselves."""
    mail = ~Q(messages__direction=Direction.NOTE)
    figures = Thread.objects.filter(pk=thread.pk).aggregate(
        count=Count("messages", filter=mail),
        last=Max("messages__date", filter=mail),
        problems=Count("messages", filter=Q(messages__parse_problem=True) | Q(messages__too_large=True)),
        failed=Count("messages", filter=Q(messages__delivery=Delivery.FAILED)),
    )
    thread.message_count = figures["count"]
    thread.last_message_at = figures["last"] or thread.last_message_at
    thread.has_problem = figures["problems"] > 0
    thread.has_failed_delivery = figures["failed"] > 0
    Thread.objects.filter(pk=thread.pk).update(
        message_count=thread.message_count,
        last_message_at=thread.last_message_at,
        has_problem=thread.has_problem,
        has_failed_delivery=thread.has_failed_delivery,
    )
