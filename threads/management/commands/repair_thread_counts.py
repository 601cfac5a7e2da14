import time

from django.core.management.base import BaseCommand

from pok.models import Pok
from threads.services import repair_counts


class Command(BaseCommand):
    help = "Recount every POK's threads per status and owner and repair the stored counters that differ."

    def handle(self, *args, **options):
        started = time.monotonic()
        poks = list(Pok.objects.order_by("pk"))
        repaired = 0
        for n, pok in enumerate(poks, 1):
            wrong = repair_counts(pok)
            repaired += bool(wrong)
            verdict = f"{wrong} counters repaired" if wrong else "all counters right"
            self.stdout.write(f"[{n}/{len(poks)}] {pok.name}: {verdict}")
        self.stdout.write(
            f"Thread counts: {len(poks)} POKs checked, {repaired} repaired, {time.monotonic() - started:.1f} s"
        )
