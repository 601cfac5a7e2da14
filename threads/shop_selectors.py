"""Read side of the shop's thread panel (threads.shop_api): one customer e-mail, every POK."""

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Substr

from threads.models import Direction, Message, Thread

SHOP_PANEL_THREADS = 20


def shop_panel_threads(email: str) -> tuple[list[dict], int]:
    """The newest threads of a customer e-mail, each with the start of its last mail, and how many there are.

    The shop is trusted with every POK's threads of its customer; internal notes stay out. Two queries.
    """
    threads = Thread.objects.filter(customer_email=email)
    last_mail = (
        Message.objects.filter(thread=OuterRef("pk"))
        .exclude(direction=Direction.NOTE)
        .order_by("-date", "-id")
        .annotate(start=Substr("reply_text", 1, 400))
    )
    rows = (
        threads.annotate(
            last_text=Subquery(last_mail.values("start")[:1]),
            last_direction=Subquery(last_mail.values("direction")[:1]),
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-id")
        .values(
            "public_id",
            "subject",
            "status",
            "pok__name",
            "message_count",
            "last_message_at",
            "last_text",
            "last_direction",
        )
    )
    return list(rows[:SHOP_PANEL_THREADS]), threads.count()
