from django.core.management.base import BaseCommand, CommandError

from crm import locks
from pok.models import Pok
from threads.outbox import send_due


class Command(BaseCommand):
    help = "Send queued replies and retry failed ones whose back-off has passed."

    def handle(self, *args, **options):
        try:
            with locks.exclusive("send_outbox") as lock:
                counts = send_due(before_each=lock.check)
        except locks.Busy as busy:
            self.stderr.write(str(busy))
            return
        except locks.Lost as lost:
            raise CommandError(str(lost)) from None
        self.stdout.write(
            f"Outbox: sent {counts['sent']}, failed {counts['failed']}, "
            f"interrupted sends set aside for a person {counts['interrupted']}"
        )
        # A POK that can no longer sign in sends nothing until someone reconnects it: say so every run.
        for name, problem in Pok.objects.filter(active=True).exclude(oauth_error="").values_list("name", "oauth_error"):
            self.stdout.write(f"{name}: {problem}")
