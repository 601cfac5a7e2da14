"""manage.py import_prestashop: bring the shop's customers and orders into the mirror.

Incremental by default (rows changed since the last run); --full re-reads
everything and deletes mirror rows the shop no longer has.
"""

import contextlib
import datetime
import gc
import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import locks
from customers.importing.errors import SourceUnavailable
from customers.importing.importer import Importer, Options
from customers.importing.mysql_source import MySqlSource
from customers.importing.report import Report
from customers.importing.webservice_source import WebserviceSource
from customers.signals import customers_changed

# Allocations between two collections of the youngest generation (700 by default): an import
# allocates a few dicts and tuples per row and holds batches of thousands of rows, which the
# collector would otherwise walk again and again.
GC_THRESHOLD = 50_000


class Command(BaseCommand):
    help = _("Import customers, addresses and orders from the PrestaShop database or Webservice.")
    # Cron runs it every 15 minutes: the system checks would add half a second to every run. They run
    # with every deploy's migrate and on the web server's start.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help=_("Read everything and delete rows gone from the shop.")
        )
        parser.add_argument(
            "--source",
            choices=("db", "api"),
            help=_("db: CRM_PRESTASHOP_DB_URL, api: CRM_PRESTASHOP_API_URL (default: whichever is set, db first)."),
        )
        parser.add_argument("--batch-size", type=int, default=settings.CRM_IMPORT_BATCH_SIZE)

    def handle(self, *args, full=False, source=None, batch_size=1000, verbosity=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        with _fewer_collections():
            self._import(full, source, batch_size, verbosity)

    def _import(self, full, source, batch_size, verbosity):
        report = Report(out=self.stdout.write, err=self.stderr.write, verbose=verbosity > 0)
        started = time.monotonic()
        importer, failure = None, None
        try:
            with locks.exclusive("import_prestashop") as lock, _source(source, batch_size) as shop:
                importer = Importer(shop, _options(full, batch_size), report, before_each_batch=lock.check)
                importer.run()
        except locks.Busy as busy:
            self.stderr.write(str(busy))
            return
        except (SourceUnavailable, locks.Lost) as error:
            failure = str(error)
        # Also after a failure: the batches committed before it are in the mirror.
        changed = importer.changed_customers if importer else set()
        reindexed = _announce(changed) if changed else 0
        if verbosity > 0 and importer:
            self.stdout.write(report.summary(time.monotonic() - started))
            self.stdout.write(f"Search index: {len(changed)} customers changed, {reindexed} index rows updated")
        if failure:
            raise CommandError(failure)
        if report.errors:
            raise CommandError(f"{report.errors} table(s) could not be imported: see the ERROR lines above")


@contextlib.contextmanager
def _fewer_collections():
    """Collect less often while importing; what Django loaded before is never walked again (frozen)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _announce(changed: set[int]) -> int:
    """Tell the apps above the mirror (the search index) which customers changed; their rows updated."""
    return sum(updated for _receiver, updated in customers_changed.send(sender=Importer, customer_ids=changed))


def _source(choice: str | None, batch_size: int):
    db_url, api_url = settings.CRM_PRESTASHOP_DB_URL, settings.CRM_PRESTASHOP_API_URL
    choice = choice or ("db" if db_url else "api" if api_url else None)
    if choice is None:
        raise CommandError(
            "Set CRM_PRESTASHOP_DB_URL (the shop's database) or CRM_PRESTASHOP_API_URL and CRM_PRESTASHOP_API_KEY"
        )
    try:
        if choice == "db":
            if not db_url:
                raise CommandError("--source db needs CRM_PRESTASHOP_DB_URL")
            return MySqlSource(db_url, settings.CRM_PRESTASHOP_TABLE_PREFIX, batch_size)
        if not api_url:
            raise CommandError("--source api needs CRM_PRESTASHOP_API_URL")
        return WebserviceSource(api_url, settings.CRM_PRESTASHOP_API_KEY, batch_size)
    except SourceUnavailable as error:
        raise CommandError(str(error)) from None


def _options(full: bool, batch_size: int) -> Options:
    try:
        zone = ZoneInfo(settings.CRM_SHOP_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"CRM_SHOP_TIME_ZONE is not a known time zone: {settings.CRM_SHOP_TIME_ZONE!r}") from None
    return Options(
        zone=zone,
        now=timezone.now(),
        full=full,
        batch_size=batch_size,
        overlap=datetime.timedelta(minutes=settings.CRM_IMPORT_OVERLAP_MINUTES),
        recent_orders=datetime.timedelta(days=settings.CRM_IMPORT_RECENT_ORDER_DAYS),
    )
