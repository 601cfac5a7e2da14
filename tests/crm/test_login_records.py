"""Login records (django-axes' logins and failed attempts name people and addresses) are deleted after
CRM_LOGIN_RECORDS_DAYS by the nightly prune_login_records job."""

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

from pok.cron import job_names, run_job

pytestmark = pytest.mark.django_db


def records(model, ages_in_days):
    for days in ages_in_days:
        record = model.objects.create(username=f"anna{days}", ip_address="192.0.2.7", user_agent="x", path_info="/")
        model.objects.filter(pk=record.pk).update(attempt_time=timezone.now() - timedelta(days=days))


def test_the_nightly_job_keeps_only_the_recent_records(settings):
    settings.CRM_LOGIN_RECORDS_DAYS = 30
    records(AccessLog, [1, 29, 31, 400])
    records(AccessFailureLog, [2, 45])

    run = run_job("prune_login_records")

    assert run.ok, run.summary
    assert "Deleted 2 login records and 1 failed-login records older than 30 days." in run.summary
    assert sorted(AccessLog.objects.values_list("username", flat=True)) == ["anna1", "anna29"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["anna2"]


def test_it_is_one_of_the_cron_jobs():
    assert "prune_login_records" in job_names()
    assert settings.CRM_LOGIN_RECORDS_DAYS == 90
