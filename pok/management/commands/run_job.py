"""`manage.py run_job <job>`: one cron job run as cron runs it (recorded on the cron panel, never twice at
once), for a crontab line a person can read and paste, on any cron."""

from django.core.management.base import BaseCommand, CommandError

from pok import cron


class Command(BaseCommand):
    help = "Run a cron job once (sync_inbox, send_outbox, ...), recorded on the cron panel."

    def add_arguments(self, parser):
        parser.add_argument("job", help="the job's management command: " + ", ".join(cron.job_names()))

    def handle(self, *args, job, **options):
        try:
            run = cron.run_job(job, via=cron.CRON)
        except cron.UnknownJob:
            raise CommandError(f"No cron job {job!r}; the jobs are: {', '.join(cron.job_names())}") from None
        if run is None:
            self.stdout.write(f"{job} is already running; this start did nothing.")
        elif not run.ok:
            raise CommandError(f"{job} failed (its output is above and on the cron panel).")
