"""OAuth2 IMAP sign-in benchmark: the cached access token against refreshing before every sign-in.

    .venv/bin/python -m bench.oauth2_signin [--signins 200]

Starts the tests' local authorization server and a Dovecot validating its JWTs, a
SQLite database in a temp dir, one POK connected with OAuth2; then times `open_imap`
+ logout N times with the token cache (what the CRM does) and N times refreshing the
token first (the naive way), side by side, with the token requests each made.
The local server answers in about a millisecond; a real provider takes 100-300 ms.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings_test")


def connected_pok(oauth2_server, dovecot):
    from pok.models import Pok

    client = oauth2_server.add_client()
    dovecot.add_user("bench", "unused")
    return Pok.objects.create(
        name="Bench OAuth2",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_auth="oauth2",
        smtp_host="127.0.0.1",
        from_address="bench@example.test",
        **oauth2_server.provider_fields(client),
        oauth_account="bench@example.test",
        oauth_refresh_token=oauth2_server.issue_refresh_token(client, "bench@example.test"),
    )


def sign_ins(pok, count: int, refresh_each: bool) -> float:
    from pok.connections import close_quietly, open_imap
    from pok.oauth import forget_access_token

    started = time.perf_counter()
    for _ in range(count):
        if refresh_each:
            forget_access_token(pok)
        close_quietly(open_imap(pok))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signins", type=int, default=200)
    count = parser.parse_args().signins
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='crm-bench-')}/bench.sqlite3"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tests.servers.dovecot import start_dovecot
    from tests.servers.oauth2 import start_oauth2_server

    oauth2_server = start_oauth2_server()
    dovecot = start_dovecot(oauth2_key=(oauth2_server.key_id, oauth2_server.public_key_pem))
    try:
        pok = connected_pok(oauth2_server, dovecot)
        requests_before = len(oauth2_server.token_requests)
        cached = sign_ins(pok, count, refresh_each=False)
        cached_requests = len(oauth2_server.token_requests) - requests_before
        naive = sign_ins(pok, count, refresh_each=True)
        naive_requests = len(oauth2_server.token_requests) - requests_before - cached_requests
    finally:
        dovecot.stop()
        oauth2_server.stop()
    print(f"{count} IMAP sign-ins (OAUTHBEARER) against a local Dovecot and authorization server")
    print(
        f"cached access token:      {cached:6.2f} s  {1000 * cached / count:6.1f} ms/sign-in  {cached_requests} token requests"
    )
    print(
        f"refresh before each:      {naive:6.2f} s  {1000 * naive / count:6.1f} ms/sign-in  {naive_requests} token requests"
    )
    print(
        f"ratio naive / cached:     {naive / cached:6.2f} x (more with a remote provider: every request is a round trip)"
    )


if __name__ == "__main__":
    main()
