"""Delete the login records (django-axes' successful logins and failed attempts) older than
CRM_LOGIN_RECORDS_DAYS: they name people and addresses, and would otherwise grow for ever."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Delete login records older than CRM_LOGIN_RECORDS_DAYS (default 90)."

    def handle(self, *args, **options):
        days = settings.CRM_LOGIN_RECORDS_DAYS
        logins = AxesProxyHandler.reset_logs(age_days=days)
        failures = AxesProxyHandler.reset_failure_logs(age_days=days)
        self.stdout.write(f"Deleted {logins} login records and {failures} failed-login records older than {days} days.")
