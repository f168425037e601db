from django.contrib.auth.backends import ModelBackend

from tandem.identity.models import User, normalize_email
from tandem.web.prepared import Prepared

_by_id = Prepared(lambda pk: User.objects.filter(pk=pk)[:1])


class EmailBackend(ModelBackend):
    """Sign in by email without regard to case (the form field is still called `username`)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email")
        if email is None or password is None:
            return None
        return super().authenticate(request, username=normalize_email(email), password=password)

    def get_user(self, user_id):
        """The signed-in person of a session: on every request, so a prepared read."""
        if not isinstance(user_id, int):
            return None
        found = _by_id(user_id)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
