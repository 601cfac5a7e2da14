"""A throwaway Dovecot 2.3 (IMAP, IMAPS, STARTTLS, LMTP) in a temp dir on free ports.

With `oauth2_key` it also accepts OAuth2 bearer tokens (XOAUTH2, OAUTHBEARER): an `oauth2`
passdb validates the JWT access tokens locally with that public key, no request to the issuer.
"""

import os
import re
import shutil
import signal
import smtplib
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from tests.servers._local import (
    HOST,
    free_port,
    launch,
    log_tail,
    running_as_root,
    self_signed_cert,
    short_tempdir,
    wait_for_port,
)

DOVECOT = "/usr/sbin/dovecot"
MAIL_UID = 65534  # nobody: Dovecot refuses to store mail as root
MAIL_DOMAIN = "example.test"

CONFIG = """\
protocols = imap lmtp
listen = {host}
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanisms}
auth_failure_delay = 0
auth_username_format = %Ln
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {dir}/users/%u
}}
{oauth2_passdb}userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/users/%u
  default_fields = uid={uid} gid={uid} home={dir}/mail/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
first_valid_uid = {uid}
last_valid_uid = 0
first_valid_gid = {uid}
service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = yes
  }}
}}
# No auth penalty (a 2-15 s delay after a failed login): tests try wrong passwords on purpose.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = {host}
    port = {lmtp_port}
  }}
}}
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
postmaster_address = postmaster@{domain}
"""

OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = {mechanisms}
  args = {dir}/dovecot-oauth2.conf.ext
}}
"""

# Local validation (Dovecot >= 2.3.11): the key of a token signed with `kid` by the default `azp`
# is looked up as <prefix>/default/RS256/<kid>; `sub` is the mail user.
OAUTH2_ARGS = """\
introspection_mode = local
local_validation_key_dict = fs:posix:prefix={dir}/oauth2-keys/
username_attribute = sub
"""


@dataclass
class DovecotServer:
    directory: Path
    imap_port: int
    imaps_port: int
    lmtp_port: int
    process: subprocess.Popen | None = None
    oauth2_key: tuple[str, str] | None = None  # (kid, PEM public key) of the token issuer
    oauth2_mechanisms: str = "oauthbearer xoauth2"
    host: str = HOST

    @property
    def cert_path(self) -> Path:
        return self.directory / "cert.pem"

    @property
    def config_path(self) -> Path:
        return self.directory / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self.directory / "dovecot.log"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cert_path))

    def add_user(self, name: str, password: str) -> None:
        """Add a mail user, also while running.

        One passwd-file per user: Dovecot re-reads a changed passwd-file at most once a
        second, but a file it has never looked at is read at once.
        """
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name) or re.search(r"[:\s]", password):
            raise ValueError("user names are [a-z0-9][a-z0-9._-]*; passwords have no ':' or whitespace")
        with open(self.directory / "users" / name, "x") as users:
            users.write(f"{name}:{{PLAIN}}{password}::::::\n")

    def imap(self, user: str, password: str) -> IMAPClient:
        """A logged-in client over the plain port; use it in a `with` block (logs out at the end)."""
        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=10)
        try:
            client.login(user, password)
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(self, user: str, password: str, raw: bytes, folder: str = "INBOX") -> int:
        with self.imap(user, password) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            response = client.append(folder, raw)
        match = re.search(rb"APPENDUID \d+ (\d+)", response)
        if not match:
            raise RuntimeError(f"no APPENDUID in APPEND response {response!r}")
        return int(match.group(1))

    def append_many(self, user: str, password: str, raws, folder: str = "INBOX") -> None:
        """Append many messages over one connection (a big mailbox in seconds)."""
        with self.imap(user, password) as client:
            for raw in raws:
                client.append(folder, raw)

    def deliver(self, user_or_address: str, raw: bytes, mail_from: str = f"sender@{MAIL_DOMAIN}") -> None:
        """Deliver one message over LMTP, as an MTA would."""
        address = user_or_address if "@" in user_or_address else f"{user_or_address}@{MAIL_DOMAIN}"
        with smtplib.LMTP(self.host, self.lmtp_port, timeout=10) as lmtp:
            lmtp.sendmail(mail_from, [address], raw)

    def fetch_all(self, user: str, password: str, folder: str = "INBOX") -> list[tuple[int, bytes]]:
        with self.imap(user, password) as client:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return sorted((uid, data[b"BODY[]"]) for uid, data in fetched.items())

    def uidvalidity(self, user: str, password: str, folder: str = "INBOX") -> int:
        with self.imap(user, password) as client:
            return client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"]

    def reset_uidvalidity(self, user: str, password: str, folder: str = "INBOX") -> int:
        """Give `folder` a new UIDVALIDITY, keeping its messages (with flags and dates); returns the new value.

        The messages are parked in another folder, the emptied folder gets a new UIDVALIDITY
        from doveadm (IMAP cannot delete or rename INBOX), then the messages are copied back
        server-side, so they get new UIDs too. Open sessions on the folder are disconnected.
        """
        before = self.uidvalidity(user, password, folder)
        parking = f"uidvalidity-reset-{before}"
        self._move_all(user, password, folder, parking)
        self._doveadm("mailbox", "update", "-u", user, "--uid-validity", str(before + 1), folder)
        self._move_all(user, password, parking, folder)
        with self.imap(user, password) as client:
            client.delete_folder(parking)
        after = self.uidvalidity(user, password, folder)
        if after == before:
            raise RuntimeError(f"UIDVALIDITY of {folder} did not change ({before})")
        return after

    def _move_all(self, user: str, password: str, source: str, target: str) -> None:
        with self.imap(user, password) as client:
            if not client.folder_exists(target):
                client.create_folder(target)
            client.select_folder(source)
            uids = client.search("ALL")
            if uids:
                client.copy(uids, target)
                client.delete_messages(uids)
                client.expunge(uids)

    def _doveadm(self, *args: str) -> None:
        result = subprocess.run(["doveadm", "-c", str(self.config_path), *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"doveadm {args[0]} {args[1]} failed: {result.stderr.strip()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_dovecot(
    oauth2_key: tuple[str, str] | None = None, oauth2_mechanisms: str = "oauthbearer xoauth2"
) -> DovecotServer:
    """Start Dovecot; `oauth2_key` = (kid, PEM public key) also accepts JWT bearer tokens signed with it,
    over `oauth2_mechanisms`."""
    if not os.path.exists(DOVECOT):
        raise RuntimeError(f"Dovecot is not installed: no {DOVECOT} (apt-get install dovecot-imapd dovecot-lmtpd)")
    directory = short_tempdir("crm-dc-")
    server = DovecotServer(
        directory=directory,
        imap_port=free_port(),
        imaps_port=free_port(),
        lmtp_port=free_port(),
        oauth2_key=oauth2_key,
        oauth2_mechanisms=oauth2_mechanisms,
    )
    return launch(server, _prepare, _launch)


def _prepare(server: DovecotServer) -> None:
    directory = server.directory
    directory.chmod(0o755)  # login and mail processes run as other users
    (directory / "mail").mkdir()
    if running_as_root():
        os.chown(directory / "mail", MAIL_UID, MAIL_UID)
    (directory / "users").mkdir()
    self_signed_cert(directory)
    if server.oauth2_key:
        _write_oauth2_key(directory, *server.oauth2_key)
    server.config_path.write_text(
        CONFIG.format(
            oauth2_mechanisms=f" {server.oauth2_mechanisms}" if server.oauth2_key else "",
            oauth2_passdb=OAUTH2_PASSDB.format(dir=directory, mechanisms=server.oauth2_mechanisms)
            if server.oauth2_key
            else "",
            host=HOST,
            dir=directory,
            uid=MAIL_UID if running_as_root() else os.geteuid(),
            imap_port=server.imap_port,
            imaps_port=server.imaps_port,
            lmtp_port=server.lmtp_port,
            domain=MAIL_DOMAIN,
        )
    )


def _write_oauth2_key(directory: Path, key_id: str, public_key_pem: str) -> None:
    (directory / "dovecot-oauth2.conf.ext").write_text(OAUTH2_ARGS.format(dir=directory))
    key_folder = directory / "oauth2-keys" / "default" / "RS256"
    key_folder.mkdir(parents=True)
    (key_folder / key_id).write_text(public_key_pem)


def _launch(server: DovecotServer) -> None:
    with open(server.directory / "stdout.log", "wb") as output:
        server.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(server.config_path)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        for port in (server.imap_port, server.imaps_port, server.lmtp_port):
            wait_for_port(port, timeout=10, is_alive=lambda: server.process.poll() is None)
    except (RuntimeError, TimeoutError) as error:
        details = log_tail(server.log_path) + "\n" + log_tail(server.directory / "stdout.log")
        raise RuntimeError(f"Dovecot did not start: {error}\n{details}") from None
