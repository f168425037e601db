"""The `tandem` command: serve, worker, migrate, demo, manage, token, bench."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys


def _setup(code: int = 2) -> None:
    """Load settings and connect, or stop with a one-line reason and exit `code`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        _fail(f"bad configuration: {exc}", code)
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _fail(f"cannot reach the database ({connection.vendor}): {reason}", code)


def _fail(message: str, code: int = 2) -> None:
    print(f"tandem: {message}", file=sys.stderr)
    sys.exit(code)


def cmd_migrate(args) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)


def cmd_demo(args) -> None:
    from tandem import demo

    demo.run(if_empty=args.if_empty)


def cmd_manage(args) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem manage", *args.rest])


def cmd_worker(args) -> None:
    from tandem.worker import run_worker

    run_worker(interval=args.interval, queues=args.queues, batch=args.batch)


def cmd_serve(args) -> None:
    from tandem import serving

    try:  # first: a port already taken is one clear line, before anything starts
        sock = serving.reserve(args.host, args.port, args.workers)
    except OSError as exc:
        _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    worker = None
    if not args.no_worker:
        # The worker runs in its own process: its blocking loop and signals stay out of the
        # web server's way, and it is the same code as `tandem worker`.
        worker = subprocess.Popen([sys.executable, "-m", "tandem", "worker"])
    print(f"Tandem is serving on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    # uvicorn shuts down on SIGTERM (systemd, docker stop), then raises the signal again with
    # our handler back in place: the default one would end the process before `finally`, and
    # leave the worker running on its own. This one exits through `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serving.run(sock, workers=args.workers, log_level="warning", proxy_headers=True)
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


def cmd_token_create(args) -> None:
    from tandem.identity import tenants, tokens
    from tandem.identity.models import User, normalize_email

    user = User.objects.filter(email=normalize_email(args.email), is_active=True).first()
    if user is None:
        _fail(f"no active person with email {args.email}")
    kind, slug = ("crm", args.org) if args.org else ("desk", args.portal)
    membership = tenants.membership(user, kind, slug=slug)
    if membership is None:
        what = "org" if kind == "crm" else "portal"
        _fail(f"{args.email} is not an active member of {what} {slug!r}")
    _token, secret = tokens.do_create_token(
        actor=user, kind=kind, tenant_id=membership.tenant_id, name=args.name or "command line"
    )
    print(f"API token for {user.email} in {kind} {slug} (shown once):")
    print(secret)


def cmd_mail_in(args) -> None:
    from tandem.desk.mailin import main as mail_in

    sys.exit(mail_in(args.portal))


def cmd_bench(args) -> None:
    from bench import harness

    sys.exit(
        harness.main(names=args.names, quick=args.quick, json_path=args.json, tickets=args.tickets)
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tandem", description="Tandem: CRM and help desk as one.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="web server (ASGI) plus an embedded background worker")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    s.add_argument("--workers", type=int, default=1, help="web processes (uvicorn workers)")
    s.add_argument("--no-worker", action="store_true", help="do not start a background worker")
    s.set_defaults(func=cmd_serve)

    w = sub.add_parser("worker", help="background worker only")
    w.add_argument("--interval", type=float, default=0.05, help="seconds between polls when idle")
    w.add_argument("--queues", default="*")
    w.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    w.set_defaults(func=cmd_worker)

    m = sub.add_parser("migrate", help="create or update the database tables")
    m.add_argument("--verbosity", type=int, default=1)
    m.set_defaults(func=cmd_migrate)

    d = sub.add_parser("demo", help="load the demo data (idempotent)")
    d.add_argument("--if-empty", action="store_true", help="only when nobody is in the database")
    d.set_defaults(func=cmd_demo)

    g = sub.add_parser("manage", help="run a Django management command")
    g.add_argument("rest", nargs=argparse.REMAINDER)
    g.set_defaults(func=cmd_manage)

    t = sub.add_parser("token", help="API tokens")
    tsub = t.add_subparsers(dest="token_command", required=True)
    tc = tsub.add_parser("create", help="print a new API token on the last line")
    tc.add_argument("--email", required=True)
    tc.add_argument("--name", default="")
    where = tc.add_mutually_exclusive_group(required=True)
    where.add_argument("--org", help="CRM org slug")
    where.add_argument("--portal", help="Desk portal slug")
    tc.set_defaults(func=cmd_token_create)

    mi = sub.add_parser("mail-in", help="file one RFC 822 message from stdin as a Desk ticket")
    mi.add_argument("--portal", required=True, help="Desk portal slug")
    mi.set_defaults(func=cmd_mail_in)

    b = sub.add_parser("bench", help="run the benchmarks, print a table, write JSON")
    b.add_argument("names", nargs="*", help="scenarios to run (default: all)")
    b.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    b.add_argument(
        "--tickets", type=int, default=None, help="tickets in the Desk bench portal (default 1M)"
    )
    b.add_argument("--json", default=None, help="where to write the results (default var/bench/)")
    b.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "bench":
        # Benchmarks run against their own database, never the one holding real data.
        from bench import harness

        harness.prepare_environment()
    if args.command == "serve":
        # Before settings load, here and in the worker and web processes it starts: the links
        # in emails lead to this server, not to a default port where nothing may answer.
        from tandem.config import served_url

        os.environ.setdefault("TANDEM_BASE_URL", served_url(args.host, args.port))
    # mail-in answers an MTA: 75 (EX_TEMPFAIL) keeps the message queued until the database
    # or the configuration is back, where 2 would bounce the customer's email.
    _setup(75 if args.command == "mail-in" else 2)
    args.func(args)


if __name__ == "__main__":
    main()
