"""The OAuth2 test servers check what they should: a check that cannot fail would prove nothing."""

import smtplib

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.servers.oauth2 import ISSUER_NAME


def imap_login(dovecot, user, token, mechanism="XOAUTH2"):
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10)
    try:
        if mechanism == "XOAUTH2":
            client.oauth2_login(user, token)
        else:
            client.oauthbearer_login(user, token)
    finally:
        client.shutdown()


def forged(oauth2_server, account) -> str:
    """A token with the right kid and claims, signed with another key."""
    claims = {"iss": ISSUER_NAME, "sub": account.split("@")[0], "email": account, "exp": 2**31}
    return jwt.encode({"alg": "RS256", "kid": oauth2_server.key_id}, claims, RSAKey.generate_key(2048))


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_dovecot_takes_a_current_token_of_the_user(dovecot_oauth2, oauth2_server, oauth2_account, mechanism):
    imap_login(dovecot_oauth2, oauth2_account, oauth2_server.access_token(oauth2_account), mechanism)


@pytest.mark.parametrize("case", ["expired", "another user's", "forged", "not a JWT"])
def test_dovecot_refuses_bad_tokens(dovecot_oauth2, oauth2_server, oauth2_account, case):
    other = "someone@example.test"
    token = {
        "expired": lambda: oauth2_server.access_token(oauth2_account, seconds=-5),
        "another user's": lambda: oauth2_server.access_token(other),
        "forged": lambda: forged(oauth2_server, oauth2_account),
        "not a JWT": lambda: "opaque-token",
    }[case]()
    with pytest.raises(LoginError):
        imap_login(dovecot_oauth2, oauth2_account, token)


def test_password_login_still_works_beside_oauth2(dovecot_oauth2):
    dovecot_oauth2.add_user("withpassword", "pw-123")
    with dovecot_oauth2.imap("withpassword", "pw-123") as client:
        assert client.select_folder("INBOX")


def smtp_xoauth2(server, user, token):
    with smtplib.SMTP(server.host, server.port, timeout=10) as client:
        client.ehlo()
        client.auth(
            "XOAUTH2", lambda challenge=None: f"user={user}\x01auth=Bearer {token}\x01\x01" if challenge is None else ""
        )


def test_smtp_takes_a_current_token_and_refuses_bad_ones(smtp_oauth2, oauth2_server, oauth2_account):
    smtp_xoauth2(smtp_oauth2, oauth2_account, oauth2_server.access_token(oauth2_account))
    assert ("XOAUTH2", oauth2_account) in smtp_oauth2.logins
    for token in (
        oauth2_server.access_token(oauth2_account, seconds=-5),
        oauth2_server.access_token("someone@example.test"),
        forged(oauth2_server, oauth2_account),
    ):
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp_xoauth2(smtp_oauth2, oauth2_account, token)


def test_smtp_offers_no_password_login(smtp_oauth2):
    with smtplib.SMTP(smtp_oauth2.host, smtp_oauth2.port, timeout=10) as client:
        client.ehlo()
        assert client.esmtp_features["auth"].split() == ["XOAUTH2"]
        with pytest.raises(smtplib.SMTPException):
            client.login("user", "password")
