"""Django's database sessions (SESSION_ENGINE "crm.sessions"), each request's session read with SQL built once.

Every page reads its session first; the ORM spent more CPU building and compiling that one-row lookup than the
database took to answer it."""

from django.contrib.sessions.backends import db
from django.utils import timezone

from crm import prepared


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The session of this key unless it has expired, as Django's own store answers it: an unknown or
        expired key is dropped (a new one is made when the session is saved)."""
        found = prepared.values("session", _by_key, session=self.model(session_key=self.session_key))
        if found and found[0][1] > timezone.now():
            return self.model(session_key=self.session_key, session_data=found[0][0], expire_date=found[0][1])
        self._session_key = None
        return None


def _by_key(session):
    return type(session).objects.filter(session_key=session.pk).values_list("session_data", "expire_date")
