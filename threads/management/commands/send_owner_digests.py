from django.core.management.base import BaseCommand
from django.utils import timezone

from crm import locks
from threads.digests import Outcome, send_digests


class Command(BaseCommand):
    help = "Mail each owner who chose an e-mail digest the threads they own where a customer wrote since the last one."

    def handle(self, *args, **options):
        counts = locks.run_exclusively(
            "send_owner_digests",
            lambda lock: send_digests(timezone.now(), report=self._report, before_each=lock.check),
            stderr=self.stderr,
        )
        if counts is None:
            return
        self.stdout.write(
            f"Owner digests: sent {counts['sent']}, failed {counts['failed']} (their messages wait for the next run), "
            f"interrupted and set aside {counts['interrupted']}, owners with nothing new {counts['nothing_new']}"
        )

    def _report(self, outcome: Outcome) -> None:
        state = outcome.state or "taken by another run"
        line = f"{outcome.user}: {outcome.threads} threads, {outcome.messages} messages: {state}"
        self.stdout.write(f"{line} ({outcome.error})" if outcome.error else line)
