import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem import config


def run_tandem(*args, env=None, tmp_path=None):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TANDEM_DEBUG"}}
    clean["TANDEM_DATA_DIR"] = str(tmp_path)
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tandem", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
    )


@pytest.mark.parametrize(
    "url",
    ["mysql://u:p@h/db", "postgres://u:p@127.0.0.1:1/tandem", "sqlite://", "not a url"],
)
def test_bad_database_url_stops_start_up_with_one_line(url, tmp_path):
    result = run_tandem("migrate", env={"DATABASE_URL": url}, tmp_path=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tandem: "), result.stderr


def test_debug_is_off_unless_asked_for(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = {k: v for k, v in os.environ.items() if k != "TANDEM_DEBUG"}
    env.update(TANDEM_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="tandem.settings")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False", out.stderr


def test_secret_key_default_is_random_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = config.secret_key(tmp_path / "a")
    assert len(first) >= 50 and config.secret_key(tmp_path / "a") == first
    assert config.secret_key(tmp_path / "b") != first


def test_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured):
        config.secret_key(tmp_path)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://127.0.0.1:2525",
            {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 2525, "EMAIL_USE_TLS": False},
        ),
        (
            "smtp+tls://me:p%40ss@mail.test:587",
            {"EMAIL_HOST_USER": "me", "EMAIL_HOST_PASSWORD": "p@ss", "EMAIL_USE_TLS": True},
        ),
        ("consolemail://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ],
)
def test_email_url_forms(monkeypatch, url, expected):
    monkeypatch.setenv("EMAIL_URL", url)
    settings = config.email("x@y.z")
    assert expected.items() <= settings.items()


@pytest.mark.parametrize("url", ["ftp://host", "smtp://", "smtp://host:notaport"])
def test_bad_email_url_is_refused(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured):
        config.email("x@y.z")


def test_bad_yes_no_value_is_refused(monkeypatch):
    monkeypatch.setenv("TANDEM_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        config.env_bool("TANDEM_DEBUG")
