import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from crm import locks
from search import indexing


class Command(BaseCommand):
    help = _(
        "Update the customer search index from the PrestaShop mirror: customers and addresses "
        "changed since the last run, or everything with --full. Safe to run while people search."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help=_("Rebuild the whole index."))

    def handle(self, *args, full=False, **options):
        locks.run_exclusively("reindex_customers", lambda lock: self._reindex(lock, full), stderr=self.stderr)

    def _reindex(self, lock, full):
        self.lock = lock
        started = time.monotonic()
        since = None if full else indexing.incremental_since()
        if since is None:
            self.stdout.write(_("Rebuilding the whole customer index."))
            stats = indexing.reindex_full(progress=self._progress)
        else:
            self.stdout.write(_("Indexing customers changed since %(since)s.") % {"since": since.isoformat()})
            stats = indexing.reindex_changed(since, progress=self._progress)
        summary = _(
            "Checked %(customers)d customers: %(written)d index rows written, %(removed)d removed in %(seconds).1f s."
        )
        self.stdout.write(
            summary
            % {
                "customers": stats.customers,
                "written": stats.written,
                "removed": stats.removed,
                "seconds": time.monotonic() - started,
            }
        )

    def _progress(self, done, total):
        self.lock.check()  # between batches: stop if the lock went with the database session
        self.stdout.write(_("%(done)d / %(total)d customers") % {"done": done, "total": total})
