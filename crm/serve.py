"""The production web server: checks, collects static files, then becomes gunicorn (scripts/serve).

    python -m crm.serve [extra gunicorn arguments]

Before any worker starts it stops with one line when the configuration is wrong, the database
cannot be reached or is not migrated (what `manage.py migrate --check` tests).
"""

import io
import os
import sys

from crm.config import ConfigError

MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    from crm.startup import run_or_explain

    command = gunicorn_command(os.environ, argv)
    run_or_explain(prepare)
    print(f"Starting gunicorn on {command[command.index('--bind') + 1]}", flush=True)
    os.execv(command[0], command)


def prepare() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    _check()
    _require_migrated()
    if _boolean(os.environ.get("CRM_COLLECTSTATIC", "true"), "CRM_COLLECTSTATIC"):
        from django.conf import settings

        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except OSError as error:
            raise ConfigError(f"STATIC_ROOT ({settings.STATIC_ROOT}) cannot be written: {error}") from None


def _check() -> None:
    """Django's system checks; their errors as one line."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", fail_level="ERROR", stdout=io.StringIO())
    except SystemCheckError as error:
        found = [line.strip() for line in str(error).splitlines() if line.strip().startswith(("?:", "<"))]
        raise ConfigError("the system check failed: " + "; ".join(found or [str(error).strip()])) from None


def _require_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        first = plan[0][0]
        raise ConfigError(
            f"the database is not migrated: {len(plan)} migrations not applied (first {first.app_label}."
            f"{first.name}): run `manage.py migrate`"
        )


def gunicorn_command(environ, extra: list[str]) -> list[str]:
    workers = _count(environ, "CRM_WEB_WORKERS", default_workers())
    # Threads (gthread workers) keep a worker busy while one of its requests waits for the database.
    threads = _count(environ, "CRM_WEB_THREADS", DEFAULT_THREADS)
    bind = environ.get("CRM_WEB_BIND", "127.0.0.1:8000")
    return [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"),
        "crm.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(_count(environ, "CRM_WEB_TIMEOUT", 60)),
        "--graceful-timeout",
        "30",
        # Recycle workers now and then, so that a slow leak never grows without bound.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--access-logfile",
        "-",
        # The path without its query string or referrer: those carry customers' e-mails and search words.
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--forwarded-allow-ips",
        environ.get("CRM_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "--no-control-socket",
        *extra,
    ]


ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


def _count(environ, name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"Configuration error: {name} must be a whole number of 1 or more, not {value!r}")
    return int(value)


def _boolean(value: str, name: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    sys.exit(f"Configuration error: {name} must be true or false, not {value!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
