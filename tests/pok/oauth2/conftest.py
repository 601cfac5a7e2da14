import secrets
import uuid

import pytest

from tests.factories import make_pok


@pytest.fixture
def oauth2_client(oauth2_server):
    """A client registered at the test authorization server (its own, so token requests can be counted)."""
    return oauth2_server.add_client()


@pytest.fixture
def oauth2_account(dovecot_oauth2):
    """A fresh mailbox on the OAuth2 Dovecot: its address (the account that signs in)."""
    user = f"oa{uuid.uuid4().hex[:10]}"
    dovecot_oauth2.add_user(user, secrets.token_urlsafe(12))  # the password is never used: tokens only
    return f"{user}@example.test"


@pytest.fixture
def connect_pok(db, oauth2_server, dovecot_oauth2, smtp_oauth2):
    """connect_pok(client, account, **fields) -> a POK signed in with OAuth2 for IMAP and SMTP,
    as if `account` had consented (a refresh token issued, no access token cached yet)."""

    def connect(client, account, **fields):
        values = {
            "name": f"POK {account}",
            "imap_host": dovecot_oauth2.host,
            "imap_port": dovecot_oauth2.imap_port,
            "imap_security": "none",
            "imap_user": "",
            "imap_password": "",
            "imap_auth": "oauth2",
            "smtp_host": smtp_oauth2.host,
            "smtp_port": smtp_oauth2.port,
            "smtp_security": "none",
            "smtp_user": "",
            "smtp_auth": "oauth2",
            "from_address": account,
            **oauth2_server.provider_fields(client),
            "oauth_account": account,
            "oauth_refresh_token": oauth2_server.issue_refresh_token(client, account),
        }
        return make_pok(**(values | fields))

    return connect


def refreshes(oauth2_server, client) -> int:
    return sum(
        1
        for request in oauth2_server.token_requests
        if request["grant_type"] == "refresh_token" and request["client_id"] == client.client_id
    )


@pytest.fixture(scope="session")
def dovecot_xoauth2_only(oauth2_server):
    """A Dovecot offering XOAUTH2 but not OAUTHBEARER (as Gmail's and Outlook's IMAP did for years)."""
    from tests.servers.dovecot import start_dovecot

    server = start_dovecot(oauth2_key=(oauth2_server.key_id, oauth2_server.public_key_pem), oauth2_mechanisms="xoauth2")
    yield server
    server.stop()
