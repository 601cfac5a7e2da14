import time

from django.core.management.base import BaseCommand

from customers.demo import seed_shop
from mailsync.demo import seed_helpdesk
from search.indexing import reindex_customers


class Command(BaseCommand):
    help = "Fill the database with a realistic demo shop and helpdesk; re-running adds only what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=3000, help="shop customers to have (default 3000)")
        parser.add_argument("--no-helpdesk", action="store_true", help="only the shop data, no POKs or threads")

    def handle(self, *args, customers, no_helpdesk, **options):
        started = time.monotonic()
        added = seed_shop(customers, progress=self._progress)
        self.stdout.write(
            f"Shop: {added['customers']} customers, {added['addresses']} addresses, {added['orders']} orders added"
        )
        indexed = reindex_customers(range(customers - added["customers"] + 1, customers + 1))
        self.stdout.write(f"Search index: {indexed} customers indexed")
        if not no_helpdesk:
            made = seed_helpdesk()
            self.stdout.write(f"Helpdesk: {made['poks']} POKs, {made['threads']} threads added")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s"))

    def _progress(self, done, total):
        self.stdout.write(f"  customers {done}/{total}")
