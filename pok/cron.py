"""Cron jobs (spec 4): the crontab lines django-crontab installs, and running a job once while recording it.

Every run, whether cron started it (settings.CRONJOBS call `run_job`) or the token URL did, is
recorded as a CronRun for the panel. A job never runs twice at once: a second start while one is
running does nothing.
"""

import io
import logging
import shlex
import sys

from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_crontab.crontab import Crontab

from crm import locks
from pok.models import CronRun

log = logging.getLogger(__name__)

CRON = "cron"
URL = "url"
MAX_SUMMARY_CHARS = 20_000
RUNS_KEPT_PER_JOB = 200

DESCRIPTIONS = {
    "sync_inbox": _("Fetch new mail of every active service point into threads."),
    "send_outbox": _("Send queued replies and retry failed ones."),
    "reindex_customers": _("Update the customer search index."),
    "send_owner_digests": _("Mail owners who chose a digest the threads where a customer wrote."),
    "import_prestashop": _("Import customers and orders from the shop."),
    "prune_login_records": _("Delete login records older than CRM_LOGIN_RECORDS_DAYS."),
}


class UnknownJob(Exception):
    pass


def job_names() -> list[str]:
    """The management command of each entry of settings.CRONJOBS, in their order."""
    return [job[2][0] for job in settings.CRONJOBS]


def crontab_lines() -> list[str]:
    """The lines `manage.py crontab add` writes, one per entry of settings.CRONJOBS, in their order."""
    crontab = Crontab(verbosity=0, readonly=True)
    crontab.add_jobs()
    return [line.rstrip("\n") for line in crontab.crontab_lines]


def plain_command(name: str) -> str:
    """The job's own command, to run by hand (not recorded on the panel)."""
    return f"{_manage()} {name}"


def readable_line(schedule: str, name: str) -> str:
    """A crontab line that says what it runs (`manage.py run_job sync_inbox`), to paste into any crontab:
    recorded on the panel and locked like the lines django-crontab installs."""
    return f"{schedule} cd {shlex.quote(str(settings.BASE_DIR))} && {_manage()} run_job {name}"


def _manage() -> str:
    return f"{shlex.quote(sys.executable)} manage.py"


def run_job(name: str, via: str = CRON) -> CronRun | None:
    """Run the job's management command once and record it; None when it is already running."""
    if name not in job_names():
        raise UnknownJob(name)
    try:
        with locks.exclusive(lock_name(name)):
            run = _run_recorded(name, via)
    except locks.Busy:
        log.warning("cron job %s is already running; this start did nothing", name)
        return None
    if via == CRON:
        sys.stdout.write(run.summary)  # cron mails or logs a job's output: keep it as without the wrapper
    return run


def lock_name(job: str) -> str:
    # Not the command's own lock name: import_prestashop takes "import_prestashop" itself.
    return f"cron-job-{job}"


def _run_recorded(name: str, via: str) -> CronRun:
    run = CronRun.objects.create(job=name, via=via, started_at=timezone.now())
    output = io.StringIO()
    try:
        call_command(name, stdout=output, stderr=output)
        run.ok = True
    except CommandError as error:
        output.write(f"{error}\n")
        run.ok = False
    except Exception as error:  # a bug in one job must still end its run on the panel, not leave it "running"
        log.exception("cron job %s failed", name)
        output.write(f"{type(error).__name__}: {error}\n")
        run.ok = False
    run.finished_at = timezone.now()
    run.summary = output.getvalue()[-MAX_SUMMARY_CHARS:]
    run.save(update_fields=["ok", "finished_at", "summary"])
    _prune(name)
    return run


def _prune(name: str) -> None:
    runs = CronRun.objects.filter(job=name)
    oldest_kept = runs.order_by("-started_at").values_list("started_at", flat=True)[
        RUNS_KEPT_PER_JOB - 1 : RUNS_KEPT_PER_JOB
    ]
    if oldest_kept:
        runs.filter(started_at__lt=oldest_kept[0]).delete()


def last_runs(names: list[str]) -> dict[str, CronRun]:
    """The newest run of each job (one indexed query per job: there are only a few jobs)."""
    runs = {name: CronRun.objects.filter(job=name).order_by("-started_at").first() for name in names}
    return {name: run for name, run in runs.items() if run is not None}
