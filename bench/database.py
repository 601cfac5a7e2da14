"""The database a benchmark runs on: a given PostgreSQL URL, or a throwaway server of its own."""

import os
from contextlib import contextmanager


@contextmanager
def django_on_postgresql(database_url: str | None, name: str):
    """Point Django at `database_url` (kept) or at a new database `name` on a throwaway server, set it up."""
    server = None
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        from tests.servers.postgres import start_postgres

        server = start_postgres()
        os.environ["DATABASE_URL"] = server.create_database(name)
        print(f"PostgreSQL started: {os.environ['DATABASE_URL']}")
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings_test")
        import django

        django.setup()
        yield
    finally:
        if server:
            server.stop()
