import hmac
import shlex
import sys

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from crm.permissions import superuser_required
from pok import cron

TEXT = "text/plain; charset=utf-8"
TOKEN_HEADER = "X-Cron-Token"


@superuser_required
@never_cache  # it shows the cron token
def panel(request):
    names = cron.job_names()
    last = cron.last_runs(names)
    jobs = [
        {
            "name": name,
            "schedule": schedule,
            "description": cron.DESCRIPTIONS.get(name, ""),
            "command": cron.plain_command(name),
            "readable_line": cron.readable_line(schedule, name),
            "line": line,
            "curl": _curl_command(_job_url(request, name)) if settings.CRM_CRON_URLS_ENABLED else "",
            "last_run": last.get(name),
        }
        for name, (schedule, *_rest), line in zip(names, settings.CRONJOBS, cron.crontab_lines(), strict=True)
    ]
    context = {
        "jobs": jobs,
        "urls_enabled": settings.CRM_CRON_URLS_ENABLED,
        "manage_command": f"cd {settings.BASE_DIR} && {sys.executable} manage.py crontab",
        "token_header": TOKEN_HEADER,
    }
    return render(request, "pok/cron_panel.html", context)


def _job_url(request, name: str) -> str:
    return request.build_absolute_uri(reverse("pok:run", args=[name]))


def _curl_command(url: str) -> str:
    header = shlex.quote(f"{TOKEN_HEADER}: {settings.CRM_CRON_TOKEN}")
    return f"curl -fsS -X POST -H {header} {shlex.quote(url)}"


@csrf_exempt  # called by hosting cron (curl/wget) without a session: the token header is the authentication
@never_cache
@require_POST
def run(request, job):
    """Run a job for a hosting cron that can only call a URL. The token comes only in a header: a URL
    ends up in access logs and browser history. The answer says only how the job went, not its output."""
    if not settings.CRM_CRON_URLS_ENABLED:
        raise Http404
    if not _token_matches(request):
        return HttpResponse("Forbidden: wrong or missing token.\n", status=403, content_type=TEXT)
    if job not in cron.job_names():
        raise Http404
    result = cron.run_job(job, via=cron.URL)
    if result is None:
        return HttpResponse(f"{job}: busy (already running)\n", status=409, content_type=TEXT)
    if result.ok:
        return HttpResponse(f"{job}: ok\n", status=200, content_type=TEXT)
    return HttpResponse(f"{job}: failed\n", status=500, content_type=TEXT)


def _token_matches(request) -> bool:
    expected = settings.CRM_CRON_TOKEN.encode()
    given = request.headers.get(TOKEN_HEADER, "").encode()
    return bool(expected) and hmac.compare_digest(given, expected)
