"""`tandem bench http`: Tandem served exactly as the README tells people to (`tandem serve
--workers 2`, its background worker included) on the bench database, and driven over loopback
HTTP by a bounded load generator: one keep-alive connection sending requests one after another,
then 8 keep-alive connections at once for a few seconds (issue 15's figures).

The client is Python threads on the same machine as the server: on 2 cores it takes some of
the CPU the server would use, so the c8 figures are a floor, never flattered."""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client

from bench import desk
from bench.harness import percentile, scenario
from tandem.desk import actions
from tandem.desk.models import Account, Contact, Department, Portal, Thread, Ticket
from tandem.identity import tokens
from tandem.identity.models import User

WORKERS = 2  # what the README's serving advice says
CONNECTIONS = 8
HOST = "127.0.0.1"
TALKED_ABOUT = 20  # tickets given a conversation, for the ticket page
ROUNDS = 2  # turns of 1 connection then 8, per endpoint


@dataclass
class Endpoint:
    name: str
    path: object  # (rng) -> path
    seq_target_ms: float | None = None
    api: bool = False
    body: object = None  # (rng) -> bytes, for a POST
    status: int = 200
    agent: bool = False  # as an agent of one department, not the portal's admin


@dataclass
class Run:
    samples: list[float]
    per_second: float


class Target:
    """The server's address and what a request needs to be let in."""

    def __init__(self, port: int, session: str, token: str, agent_session: str):
        self.port = port
        self.page_headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        self.agent_headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={agent_session}"}
        self.api_headers = {"Authorization": f"Bearer {token}"}

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=30)

    def send(self, conn: http.client.HTTPConnection, endpoint: Endpoint, rng) -> None:
        headers = dict(
            self.api_headers
            if endpoint.api
            else self.agent_headers
            if endpoint.agent
            else self.page_headers
        )
        body = None
        if endpoint.body is not None:
            body = endpoint.body(rng)
            headers["Content-Type"] = "application/json"
        conn.request("POST" if body is not None else "GET", endpoint.path(rng), body, headers)
        response = conn.getresponse()
        content = response.read()  # all of it: a keep-alive connection is reused
        if response.status != endpoint.status:
            raise RuntimeError(f"{endpoint.name}: HTTP {response.status} {content[:300]!r}")


def _sequential(target: Target, endpoint: Endpoint, count: int) -> Run:
    rng = random.Random(3)
    conn = target.connect()
    for _ in range(10):  # warm-up: connection, caches
        target.send(conn, endpoint, rng)
    samples = []
    started = time.perf_counter()
    for _ in range(count):
        t = time.perf_counter()
        target.send(conn, endpoint, rng)
        samples.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - started
    conn.close()
    return Run(samples, count / elapsed)


def _concurrent(target: Target, endpoint: Endpoint, connections: int, seconds: float) -> Run:
    """`connections` keep-alive connections, each sending its next request as soon as the
    last one is answered, for `seconds`; requests per second over all of them."""
    samples: list[list[float]] = [[] for _ in range(connections)]
    errors: list[BaseException] = []
    ready = threading.Barrier(connections + 1)
    stop = threading.Event()

    def client(i: int) -> None:
        rng = random.Random(100 + i)
        conn = target.connect()
        try:
            target.send(conn, endpoint, rng)  # connected and warm before the clock starts
            ready.wait()
            while not stop.is_set():
                t = time.perf_counter()
                target.send(conn, endpoint, rng)
                samples[i].append((time.perf_counter() - t) * 1000)
        except BaseException as exc:
            errors.append(exc)
            stop.set()
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    try:
        ready.wait(timeout=60)
    except threading.BrokenBarrierError:
        raise (errors[0] if errors else RuntimeError("clients did not start")) from None
    started = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for t in threads:
        t.join(timeout=60)
    if errors:
        raise errors[0]
    flat = [s for per in samples for s in per]
    return Run(flat, len(flat) / elapsed)


def _joined(runs: list[Run]) -> Run:
    """Runs of one kind as one: all their samples, requests per second over their time."""
    seconds = sum(len(run.samples) / run.per_second for run in runs)
    samples = [s for run in runs for s in run.samples]
    return Run(samples, len(samples) / seconds)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    """`tandem serve --workers 2` on the bench database, answering /health/."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tandem", "serve", "--workers", str(WORKERS), "--port", str(port)],
        env={**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"]},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"tandem serve exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError("tandem serve did not answer /health/ within 60 s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)  # Ctrl+C: web workers and background worker stop
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        found.extend(int(c) for c in children)
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def web_processes(server: subprocess.Popen) -> list[int]:
    found = []
    for pid in _children(server.pid):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def cpu_ms(pids: list[int]) -> float:
    """CPU time the web processes have used so far (user + system), in ms."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def memory(server: subprocess.Popen) -> tuple[list[float], list[float]]:
    """RSS (MB) of the web worker processes, and of the background worker."""
    web, background = [], []
    for pid in _children(server.pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            rss = _rss_mb(pid)
        except OSError:
            continue
        if b"tandem worker" in cmdline:
            background.append(rss)
        elif b"spawn_main" in cmdline:
            web.append(rss)
    return web, background


def prepare(n_tickets: int, console) -> tuple[Portal, User, list[int], list[int]]:
    admin = User.objects.filter(email="bench@desk.test").first() or User.objects.create_user(
        "bench@desk.test", "bench-desk-password", name="Bench Admin"
    )
    n_tickets, n_contacts, n_accounts = desk._sizes(False, n_tickets)
    portal = desk._portal(admin, n_tickets)  # the desk scenario's data, when the size is the same
    if Ticket.objects.filter(portal=portal).count() < n_tickets:
        Ticket.objects.filter(portal=portal).delete()
        Contact.objects.filter(portal=portal).delete()
        Account.objects.filter(portal=portal).delete()
        desk._generate(portal, n_tickets, n_contacts, n_accounts, console)
    desk.link_deals(portal)
    newest = list(
        Ticket.objects.filter(portal=portal).order_by("-id").values_list("id", flat=True)[:500]
    )
    talked = newest[:TALKED_ABOUT]
    if not Thread.objects.filter(ticket_id__in=talked).exists():
        for ticket in Ticket.objects.filter(id__in=talked):
            for i in range(2):
                actions.do_send_thread(
                    actor=admin,
                    ticket=ticket,
                    action="reply",
                    to=ticket.email,
                    content=f"<p>We are looking into it ({i}).</p>",
                )
                actions.do_add_comment(actor=admin, ticket=ticket, content=f"Checked logs {i}.")
    step = max(1, n_contacts // 500)
    contacts = list(
        Contact.objects.filter(portal=portal).values_list("id", flat=True)[::step][:500]
    )
    return portal, admin, talked, contacts


def warm_file_cache() -> None:
    """Read the SQLite database file once: a server that has been running has it in the
    operating system's file cache, and on a cold cache (after a reboot, or a VM whose cache was
    dropped) the first endpoints measured paid for disk reads (50 % I/O wait seen here)."""
    if connection.vendor != "sqlite":
        return
    with open(connection.settings_dict["NAME"], "rb") as database:
        while database.read(8 << 20):
            pass


def department_agent(admin, portal: Portal) -> User:
    """An agent of one of the portal's two departments: every list they open is narrowed to it."""
    user = User.objects.filter(email="bench-agent@desk.test").first() or User.objects.create_user(
        "bench-agent@desk.test", "bench-agent-password", name="Bench Agent"
    )
    billing = Department.objects.get(portal=portal, name="Billing")
    actions.do_add_agent(actor=admin, portal=portal, user=user, departments=[billing])
    return user


def endpoints(slug: str, n_tickets: int, talked: list[int], contacts: list[int]) -> list:
    page = f"/desk/{slug}/tickets/"
    listed = [
        Endpoint(f"page tickets?view={v}", lambda r, v=v: f"{page}?view={v}", 12)
        for v in desk.VIEWS
    ]
    return [
        Endpoint("GET /health/", lambda r: "/health/", 3),
        Endpoint("page tickets (list)", lambda r: page, 12),
        *listed,
        Endpoint("page tickets, an agent of one department", lambda r: page, 12, agent=True),
        Endpoint(
            "page tickets?view=open, theirs, by due date",
            lambda r: f"{page}?view=open&sort=due_date",
            12,
            agent=True,
        ),
        Endpoint("API tickets (list)", lambda r: "/api/desk/v1/tickets", 8, api=True),
        Endpoint(
            "API a customer's tickets",
            lambda r: f"/api/desk/v1/tickets?contact_id={r.choice(contacts)}",
            8,
            api=True,
        ),
        Endpoint("page a ticket", lambda r: f"{page}{r.choice(talked)}/", 8),
        Endpoint(
            "API search (a rare subject)",
            lambda r: f"/api/desk/v1/tickets?q=number+{r.randrange(n_tickets)}",
            None,
            api=True,
        ),
        Endpoint("page search (a common word)", lambda r: f"{page}?q=problem", None),
        Endpoint(
            "API POST tickets (create)",
            lambda r: "/api/desk/v1/tickets",
            None,
            api=True,
            body=lambda r: (
                b'{"subject": "Bench over HTTP", "priority": "High", "contact_id": %d}'
                % r.choice(contacts)
            ),
            status=201,
        ),
    ]


@scenario("http", "tandem serve --workers 2 over loopback HTTP: p50/p99, req/s at c1 and c8")
def http_bench(rec, *, quick: bool, console, tickets: int | None = None) -> None:
    n_tickets = tickets or (20_000 if quick else 1_000_000)
    count, seconds = (50, 2.0) if quick else (200, 5.0)
    portal, admin, talked, contacts = prepare(n_tickets, console)
    browser, agent_browser = Client(), Client()
    browser.force_login(admin)
    agent_browser.force_login(department_agent(admin, portal))
    _token, secret = tokens.do_create_token(actor=admin, kind="desk", tenant_id=portal.id)
    # The tickets the run creates are deleted after it: left, they would pile up in one
    # department at the top of every list, and each run would measure other data than the last.
    newest_before = Ticket.objects.filter(portal=portal).order_by("-id").values_list("id")[0][0]
    warm_file_cache()
    port = _free_port()
    server = serve(port)
    target = Target(
        port,
        browser.cookies[settings.SESSION_COOKIE_NAME].value,
        secret,
        agent_browser.cookies[settings.SESSION_COOKIE_NAME].value,
    )
    rec.value("tickets in the portal", n_tickets, "", note=f"{WORKERS} web workers")
    try:
        web = web_processes(server)
        for endpoint in endpoints(portal.slug, n_tickets, talked, contacts):
            # In turns (1 connection, then 8, ROUNDS times) rather than all of one then all of
            # the other: on a shared VM the CPU's speed drifts by 10-20 % within a minute, and
            # the ratio c8/c1 should compare the two under the same conditions.
            ones, manys, cpu_used = [], [], 0.0
            for _ in range(ROUNDS):
                used = cpu_ms(web)
                ones.append(_sequential(target, endpoint, count // ROUNDS))
                cpu_used += cpu_ms(web) - used
                manys.append(_concurrent(target, endpoint, CONNECTIONS, seconds / ROUNDS))
            one, many = _joined(ones), _joined(manys)
            # What a request costs the server whatever else runs on the machine: on a busy
            # shared machine latency measures the queue for the CPU as much as Tandem.
            cpu_per_request = cpu_used / (count + 10 * ROUNDS)
            p50 = percentile(one.samples, 50)
            ok = None if endpoint.seq_target_ms is None else p50 <= endpoint.seq_target_ms
            target_text = f"≤ {endpoint.seq_target_ms:g} ms" if endpoint.seq_target_ms else ""
            rec.value(f"{endpoint.name} seq p50", p50, "ms", target=target_text, ok=ok)
            rec.value(f"{endpoint.name} seq p99", percentile(one.samples, 99), "ms")
            rec.value(f"{endpoint.name} server CPU per request", cpu_per_request, "ms")
            ratio = many.per_second / one.per_second
            rec.value(
                f"{endpoint.name} req/s c1 → c{CONNECTIONS}",
                many.per_second,
                "req/s",
                target="c8 ≥ 1.5x c1",
                ok=ratio >= 1.5,
                note=f"c1 {one.per_second:.0f}/s, x{ratio:.2f}, "
                f"c8 p50 {percentile(many.samples, 50):.1f} p99 "
                f"{percentile(many.samples, 99):.1f} ms",
            )
            console.print(
                f"  {endpoint.name}: p50 {p50:.1f} ms, CPU {cpu_per_request:.1f} ms,"
                f" c8/c1 x{ratio:.2f}"
            )
        web_rss, background = memory(server)
    finally:
        stop(server)
        Ticket.objects.filter(portal=portal, id__gt=newest_before).delete()
    for i, rss in enumerate(web_rss):
        rec.value(
            f"web worker {i + 1} RSS after the run", rss, "MB", target="≤ 150 MB", ok=rss <= 150
        )
    for rss in background:
        rec.value("background worker RSS after the run", rss, "MB")
