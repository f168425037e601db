"""Django's database sessions, with the read every signed-in request makes compiled once
(web.prepared) instead of on each request."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from tandem.web.prepared import Prepared

_by_key = Prepared(lambda key: Session.objects.filter(session_key=key)[:1])


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = _by_key(self.session_key) if isinstance(self.session_key, str) else []
        session = found[0] if found else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None  # as Django's: unknown or expired, a new session
            return None
        return session
