"""Who else has a thread open and is writing (the collision warning, polled by the page)."""

from datetime import timedelta

from django.utils import timezone

from threads.models import Thread, ThreadPresence

STILL_THERE = timedelta(seconds=30)


def touch(thread: Thread, user, replying: bool) -> list[ThreadPresence]:
    """Record that `user` looks at the thread (and whether they write); returns the others there now."""
    now = timezone.now()
    ThreadPresence.objects.update_or_create(thread=thread, user=user, defaults={"seen_at": now, "replying": replying})
    return list(
        ThreadPresence.objects.filter(thread=thread, seen_at__gte=now - STILL_THERE)
        .exclude(user=user)
        .select_related("user")
        .order_by("-replying", "user__username")
    )


def leave(thread: Thread, user) -> None:
    ThreadPresence.objects.filter(thread=thread, user=user).delete()
