"""Reading configuration from the environment, failing loudly with a one-line reason."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(os.environ.get("TANDEM_DATA_DIR") or "var").resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(f"TANDEM_DATA_DIR={path} cannot be created: {exc}") from None
    return path


def secret_key(data: Path) -> str:
    """SECRET_KEY from the environment, else a random key kept in the data dir.

    A development machine never runs with a key that is published in the source.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return key
    keyfile = data / "secret_key"
    if not keyfile.exists():
        from django.utils.crypto import get_random_string

        keyfile.write_text(get_random_string(64))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


def served_url(host: str, port: int | str) -> str:
    """The address a browser reaches `tandem serve --host H --port P` at. A wildcard host
    (0.0.0.0, ::) names no address a link could use: this machine's loopback stands in."""
    wildcards = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "[::1]"}  # noqa: S104 (read, not bound)
    host = wildcards.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


def base_url() -> str:
    """TANDEM_BASE_URL, the address used in links inside emails. `tandem serve` sets it to where
    it serves when it is not given; else the port of `make run` (PORT), so that links reach
    the server that sent them."""
    url = os.environ.get("TANDEM_BASE_URL", "").strip()
    if not url:
        return served_url("127.0.0.1", env_int("PORT", 8000, minimum=1))
    if urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).netloc:
        raise ImproperlyConfigured(
            f"TANDEM_BASE_URL={url!r} is not an address (use e.g. https://tandem.example.com)."
        )
    return url.rstrip("/")


def database(data: Path) -> dict:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = f"sqlite:///{data / 'tandem.sqlite3'}"
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite:/// or postgres://)."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # the library raises several types for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = "tandem.web.sqlite"  # Django's, writers queued by the kernel
        if not config.get("NAME") or config["NAME"] == ":memory:":
            # Web and worker are separate processes: they must share one database file.
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file path.")
        # WAL lets web and worker read while one writes; IMMEDIATE takes the write lock at
        # BEGIN so a transaction never fails half-way with "database is locked". The worker
        # checkpoints the WAL every few seconds (tandem.worker.checkpoint), off the request
        # path; a high wal_autocheckpoint is only the bound for when no worker runs, so a
        # request's commit rarely pays for copying the WAL back (it cost ~15 ms at p99).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
                "PRAGMA wal_autocheckpoint=20000;"
            ),
        }
    else:
        if not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name.")
        config["CONN_HEALTH_CHECKS"] = True
    config["TEST"] = {"NAME": config.get("TEST_NAME")} if config.get("TEST_NAME") else {}
    if config["ENGINE"] == "tandem.web.sqlite" and not config["TEST"]:
        # Tests in memory, as Django's SQLite backend does (pytest-django knows that backend
        # by its name only; without this it would make up a file name from the path).
        config["TEST"] = {"NAME": ":memory:"}
    return config


def email(default_from: str) -> dict:
    """EMAIL_URL → Django email settings. smtp://, smtp+tls://, smtp+ssl://, consolemail://,
    filemail:///path, memorymail://, dummymail://."""
    url = os.environ.get("EMAIL_URL", "").strip() or "consolemail://"
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    settings: dict = {"DEFAULT_FROM_EMAIL": query.get("from", default_from)}
    backends = {
        "consolemail": "django.core.mail.backends.console.EmailBackend",
        "filemail": "django.core.mail.backends.filebased.EmailBackend",
        "memorymail": "django.core.mail.backends.locmem.EmailBackend",
        "dummymail": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme in backends:
        settings["EMAIL_BACKEND"] = backends[parts.scheme]
        if parts.scheme == "filemail":
            if not parts.path:
                raise ImproperlyConfigured("EMAIL_URL filemail:// needs a folder path.")
            settings["EMAIL_FILE_PATH"] = parts.path
        return settings
    if parts.scheme not in {"smtp", "smtp+tls", "smtp+ssl", "submission"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parts.scheme!r} is not supported "
            "(use smtp://, smtp+tls://, smtp+ssl:// or consolemail://)."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host name, e.g. smtp://127.0.0.1:2525.")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has an invalid port.") from None
    settings.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port
        or {"smtp+ssl": 465, "smtp+tls": 587, "submission": 587}.get(parts.scheme, 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=parts.scheme in {"smtp+tls", "submission"},
        EMAIL_USE_SSL=parts.scheme == "smtp+ssl",
        EMAIL_TIMEOUT=20,
    )
    return settings
