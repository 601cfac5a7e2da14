from django.core.management.base import BaseCommand

from threads.models import Direction, Message
from threads.splitting import reply_text

BATCH = 500


class Command(BaseCommand):
    help = (
        "Split stored customer mail again with the current rules, so that the reply_text that is indexed "
        "matches what the thread page shows; prints progress and a summary."
    )

    def handle(self, *args, **options):
        incoming = Message.objects.filter(direction=Direction.INCOMING).order_by("pk")
        seen = changed = 0
        last = 0
        while True:
            batch = list(incoming.filter(pk__gt=last).only("pk", "body_text", "body_html", "reply_text")[:BATCH])
            if not batch:
                break
            stale = []
            for message in batch:
                fresh = reply_text(message.body_text, message.body_html)
                if fresh != message.reply_text:
                    message.reply_text = fresh
                    stale.append(message)
            Message.objects.bulk_update(stale, ["reply_text"])
            seen, changed, last = seen + len(batch), changed + len(stale), batch[-1].pk
            self.stdout.write(f"  {seen} messages read, {changed} changed")
        self.stdout.write(f"resplit_replies: {seen} customer messages, {changed} updated")
