from django.core.management.base import BaseCommand, CommandError

from mailsync.imap_sync import sync_pok
from pok.models import Pok


class Command(BaseCommand):
    help = "Fetch new mail of every active POK (or one) over IMAP into threads; print a summary line per POK."
    # Cron runs it every few minutes: the system checks (URLs, templates, models of every app) would be
    # most of a run with nothing new. They run with every deploy's migrate and on the web server's start.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--pok", type=int, help="only this POK id")

    def handle(self, *args, pok=None, **options):
        poks = Pok.objects.filter(pk=pok) if pok else Pok.objects.filter(active=True)
        if pok and not poks.exists():
            raise CommandError(f"No POK with id {pok}")
        failed = []
        for each in poks:
            report = sync_pok(each, progress=lambda text: self.stdout.write(f"  {text}"))
            self.stdout.write(report.line())
            if report.error:
                failed.append(each.name)
        if failed:
            raise CommandError(f"sync failed for: {', '.join(failed)}")
