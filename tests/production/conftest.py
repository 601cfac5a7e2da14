"""Fixtures: scripts/serve on a free port; borrowed from the other test folders, a POK on a fresh Dovecot
mailbox and the personal-data world."""

from tests.mailsync.conftest import imap_pok, server  # noqa: F401
from tests.production.serving import start_served  # noqa: F401
from tests.threads.gdpr.conftest import world  # noqa: F401
