import hmac
import sys
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crm.permissions import superuser_required
from pok import cron

TEXT = "text/plain; charset=utf-8"
TOKEN_HEADER = "X-Cron-Token"


@superuser_required
def panel(request):
    names = cron.job_names()
    last = cron.last_runs(names)
    jobs = [
        {
            "name": name,
            "schedule": schedule,
            "description": cron.DESCRIPTIONS.get(name, ""),
            "line": line,
            "url": _job_url(request, name) if settings.CRM_CRON_URLS_ENABLED else "",
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
    return request.build_absolute_uri(reverse("pok:run", args=[name])) + "?token=" + quote(settings.CRM_CRON_TOKEN)


@csrf_exempt  # called by hosting cron (wget/curl) without a session: the token is the authentication
@never_cache
@require_http_methods(["GET", "POST"])
def run(request, job):
    if not settings.CRM_CRON_URLS_ENABLED:
        raise Http404
    if not _token_matches(request):
        return HttpResponse("Forbidden: wrong or missing token.\n", status=403, content_type=TEXT)
    if job not in cron.job_names():
        raise Http404
    result = cron.run_job(job, via=cron.URL)
    if result is None:
        return HttpResponse(f"{job} is already running; this call did nothing.\n", status=409, content_type=TEXT)
    return HttpResponse(result.summary, status=200 if result.ok else 500, content_type=TEXT)


def _token_matches(request) -> bool:
    expected = settings.CRM_CRON_TOKEN
    given = request.headers.get(TOKEN_HEADER) or request.GET.get("token") or request.POST.get("token") or ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
