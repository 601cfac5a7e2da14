from django.core.management.base import BaseCommand

from threads.outbox import send_due


class Command(BaseCommand):
    help = "Send queued replies and retry failed ones whose back-off has passed."

    def handle(self, *args, **options):
        counts = send_due()
        self.stdout.write(
            f"Outbox: sent {counts['sent']}, failed {counts['failed']}, "
            f"interrupted sends set aside for a person {counts['interrupted']}"
        )
