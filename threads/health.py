"""GET /healthz for load balancers and monitoring: database, inbox sync age per POK, outbox backlog.

Public (no login), so it names no host, user or error text: POKs by id only. Two queries
whatever the number of POKs or messages. 200 when healthy, 503 otherwise.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pok.models import Pok
from threads.models import Delivery, Direction, Message

# Still to go out: queued, being sent, or failed with a retry planned. A failure nobody retries
# (next_attempt_at empty) waits for a person and is only counted.
PENDING = Q(delivery__in=[Delivery.QUEUED, Delivery.SENDING]) | Q(
    delivery=Delivery.FAILED, next_attempt_at__isnull=False
)
GIVEN_UP = Q(delivery=Delivery.FAILED, next_attempt_at__isnull=True)


@dataclass
class Health:
    healthy: bool
    report: dict


def check() -> Health:
    now = timezone.now()
    try:
        poks = list(Pok.objects.filter(active=True).order_by("pk").values_list("pk", "last_success_at"))
        outbox = Message.objects.filter(direction=Direction.OUTGOING).aggregate(
            pending=Count("pk", filter=PENDING),
            oldest=Min("created_at", filter=PENDING),
            given_up=Count("pk", filter=GIVEN_UP),
        )
    except DatabaseError:
        return Health(False, {"status": "fail", "database": "unreachable"})
    sync_limit = settings.CRM_HEALTH_MAX_SYNC_AGE
    outbox_limit = settings.CRM_HEALTH_MAX_OUTBOX_AGE
    pok_reports = [_pok_report(pk, synced, now, sync_limit) for pk, synced in poks]
    oldest_age = _age(outbox["oldest"], now)
    outbox_ok = not outbox_limit or oldest_age is None or oldest_age <= outbox_limit
    healthy = outbox_ok and all(report["ok"] for report in pok_reports)
    return Health(
        healthy,
        {
            "status": "ok" if healthy else "fail",
            "database": "ok",
            "poks": pok_reports,
            "outbox": {
                "ok": outbox_ok,
                "pending": outbox["pending"],
                "oldest_pending_age_seconds": oldest_age,
                "failed_waiting_for_a_person": outbox["given_up"],
            },
        },
    )


def _pok_report(pk, last_success, now, limit) -> dict:
    age = _age(last_success, now)
    ok = not limit or (age is not None and age <= limit)
    return {"id": pk, "ok": ok, "last_successful_sync_age_seconds": age}


def _age(moment, now) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


@never_cache
@require_GET
def healthz(request):
    health = check()
    return JsonResponse(health.report, status=200 if health.healthy else 503)
