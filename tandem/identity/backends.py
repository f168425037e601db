from django.contrib.auth.backends import ModelBackend

from tandem.identity.models import normalize_email


class EmailBackend(ModelBackend):
    """Sign in by email without regard to case (the form field is still called `username`)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email")
        if email is None or password is None:
            return None
        return super().authenticate(request, username=normalize_email(email), password=password)
