"""Shared fixtures: the demo people, tokens and an API client that speaks bearer."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from tandem import demo
from tandem.identity import tenants, tokens
from tandem.identity.models import User


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Real hashing costs ~0.3 s a password; tests check behaviour, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    # A request by a German-speaking person leaves German active in the thread (Django's
    # LocaleMiddleware never deactivates); each test starts in the site's language instead.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def signed_in(person):
    """signed_in("sales@acme.test", "de") → a page client signed in as that person, who reads
    Tandem in that language."""

    def make(email: str = "admin@acme.test", language: str = "en") -> Client:
        user = person(email)
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def demo_data(db):
    demo.load()


@pytest.fixture
def person(demo_data):
    def get(email: str) -> User:
        return User.objects.get(email=email)

    return get


class Api:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, secret: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _send(self, method: str, path: str, body=None, **extra):
        kwargs = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if body is not None:
            kwargs["data"] = body if isinstance(body, (str, bytes)) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(path, **kwargs, **extra)

    def get(self, path, **extra):
        return self.client.get(path, headers=self.headers, **extra)

    def post(self, path, body=None, **extra):
        return self._send("post", path, body, **extra)

    def patch(self, path, body=None, **extra):
        return self._send("patch", path, body, **extra)

    def put(self, path, body=None, **extra):
        return self._send("put", path, body, **extra)

    def delete(self, path, **extra):
        return self._send("delete", path, None, **extra)


@pytest.fixture
def token_for(person):
    def make(email: str, *, org: str | None = None, portal: str | None = None) -> str:
        kind, slug = ("crm", org) if org else ("desk", portal)
        user = person(email)
        membership = tenants.membership(user, kind, slug=slug)
        assert membership is not None, f"{email} is not in {kind} {slug}"
        return tokens.do_create_token(actor=user, kind=kind, tenant_id=membership.tenant_id)[1]

    return make


@pytest.fixture
def api(token_for):
    """api("admin@acme.test", org="acme") → a client acting as that person in that tenant."""

    def make(email: str | None = None, **tenant) -> Api:
        return Api(token_for(email, **tenant) if email else None)

    return make
