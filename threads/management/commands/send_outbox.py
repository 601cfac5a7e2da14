from django.core.management.base import BaseCommand

from crm import locks
from pok.models import Pok
from threads.outbox import send_due


class Command(BaseCommand):
    help = "Send queued replies and retry failed ones whose back-off has passed."

    def handle(self, *args, **options):
        counts = locks.run_exclusively("send_outbox", lambda lock: send_due(before_each=lock.check), stderr=self.stderr)
        if counts is None:
            return
        self.stdout.write(
            f"Outbox: sent {counts['sent']}, failed {counts['failed']}, "
            f"interrupted sends set aside for a person {counts['interrupted']}"
        )
        # A POK that can no longer sign in sends nothing until someone reconnects it: say so every run.
        for name, problem in Pok.objects.filter(active=True).exclude(oauth_error="").values_list("name", "oauth_error"):
            self.stdout.write(f"{name}: {problem}")
