"""`tandem bench sync`: the integration's sync (issue 10).

- initial sync: N CRM contacts against N/2 existing Desk contacts (half of those share an email
  with a CRM contact, 1 % of the shared emails twice in Desk: ambiguous), two-way, in process;
  records per second, against plain-SQL inserts of the same rows into the same database;
- peak memory of a process that runs only the initial sync (`--sync-memory` contacts);
- propagation over real HTTP with `tandem serve` running (web + worker): an edit through one
  side's API until the other side's API shows it, both ways, p50/p99;
- sustained: 50 edits a second over both sides for 60 s (20 s quick): the worst lag, and
  whether every last value arrived."""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time

from django.db import connection, transaction
from django.utils import timezone

from bench.harness import percentile, scenario
from tandem.web import bulk

FULL = {"crm": 200_000, "desk": 100_000, "edits": 200, "sustain": 60}
QUICK = {"crm": 20_000, "desk": 10_000, "edits": 40, "sustain": 20}
ORG, PORTAL, ADMIN = "syncbench", "syncbench-support", "bench@sync.test"


def _admin():
    from tandem.identity.models import User

    return User.objects.filter(email=ADMIN).first() or User.objects.create_user(
        ADMIN, "bench-sync-password", name="Sync Bench"
    )


def _fresh_world(admin):
    """An org and a portal of their own, new for each run (so nothing of an earlier run, in a
    database kept between runs, changes the figures), linked."""
    from tandem.crm import actions as crm_actions
    from tandem.crm import queries as crm
    from tandem.desk import actions as desk_actions
    from tandem.integration import actions as link_actions

    global ORG, PORTAL
    stamp = time.strftime("%Y%m%d%H%M%S")
    ORG, PORTAL = f"syncbench-{stamp}", f"syncbench-{stamp}-support"
    org = crm_actions.do_create_org(actor=admin, name=f"Sync Bench {stamp}", slug=ORG)
    portal = desk_actions.do_create_portal(actor=admin, name=f"Sync Bench {stamp}", slug=PORTAL)
    member = crm.membership(admin, None, ORG).member
    link_actions.do_connect(actor=member, mode="own_portal", portal=PORTAL)
    return org, portal, member


def _generate(org, portal, admin, sizes) -> None:
    """Plain inserts: CRM contacts (records + email keys) and Desk contacts."""
    from tandem.crm import queries as crm
    from tandem.crm.models import Field, Record
    from tandem.desk.models import Contact

    module = crm.module_for(org, "Contacts")
    email_field = Field.objects.get(module=module, api_name="Email")
    now = timezone.now().isoformat()
    rnd = random.Random(7)
    for start in range(0, sizes["crm"], 20_000):
        rows, keys = [], []
        chunk = range(start, min(sizes["crm"], start + 20_000))
        # Ids from the table's own counter (a PostgreSQL sequence moves with them), as the
        # CRM's bulk create takes them: what the sync creates later never collides.
        with transaction.atomic():
            ids = iter(bulk.reserve_ids(Record, len(chunk)))
        for i in chunk:
            next_id = next(ids)
            email = f"person{i}@sync.example"
            data = {"First_Name": rnd.choice(["Ana", "Ben", "Cy"]), "Last_Name": f"P{i}",
                    "Email": email}  # fmt: skip
            rows.append((next_id, org.pk, module.pk, json.dumps(data), f"P{i}", email, admin.pk,
                         now, now))  # fmt: skip
            keys.append((next_id, email_field.pk, email))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO crm_record (id, org_id, module_id, data, name, search, owner_id,"
                " created_at, modified_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                "INSERT INTO crm_recordkey (record_id, field_id, value) VALUES (%s, %s, %s)",
                keys,
            )
    half = sizes["desk"] // 2
    contacts = []
    for i in range(sizes["desk"]):
        # The first half shares emails with CRM contacts; 1 % of those twice (ambiguous).
        email = f"person{i * 2}@sync.example" if i < half else f"desk{i}@sync.example"
        if i < half and i % 100 == 0:
            contacts.append(Contact(portal=portal, last_name=f"Twin {i}", email=email))
        contacts.append(Contact(portal=portal, last_name=f"D{i}", email=email))
    Contact.objects.bulk_create(contacts, batch_size=5000)


def _plain_sql_rate(sizes) -> float:
    """Rows a second for the same number of rows written with executemany into a scratch
    table of the same database: the floor against which the sync is compared."""
    n = sizes["crm"] + sizes["desk"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_scratch")
        cursor.execute("CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, data TEXT, email TEXT)")
    started = time.perf_counter()
    for start in range(0, n, 20_000):
        rows = [(i + 1, json.dumps({"Last_Name": f"P{i}"}), f"p{i}@x.example")
                for i in range(start, min(n, start + 20_000))]  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_scratch (id, data, email) VALUES (%s, %s, %s)", rows
            )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_scratch")
    return n / elapsed


def _enable_and_drain(member) -> tuple[float, dict]:
    from tandem.integration import queries
    from tandem.integration.sync import actions
    from tandem.integration.sync.drain import drain

    fields = [("First_Name", "first_name"), ("Last_Name", "last_name"), ("Email", "email"),
              ("Phone", "phone")]  # fmt: skip
    body = {"direction": "two_way", "field_map": [{"crm": c, "desk": d} for c, d in fields]}
    link = queries.integration_of(member.org_id)
    started = time.perf_counter()
    actions.do_configure(actor=member, module="Contacts", body=body)
    while drain(link.id, budget=600):
        pass
    elapsed = time.perf_counter() - started
    sm = link.sync_modules.get(module="Contacts")
    counts = {k: getattr(sm, k) for k in ("created_in_desk", "created_in_crm", "skipped")}
    return elapsed, {**counts, "total": sm.initial_total}


@scenario("sync", "Integration sync: initial sync rate, memory, propagation over HTTP, sustained")
def sync_bench(rec, *, quick: bool, console) -> None:
    sizes = QUICK if quick else FULL
    admin = _admin()
    org, portal, member = _fresh_world(admin)
    console.print(f"  generating {sizes['crm']:,} CRM and {sizes['desk']:,} Desk contacts…")
    _generate(org, portal, admin, sizes)
    elapsed, counts = _enable_and_drain(member)
    rate = counts["total"] / elapsed
    console.print(f"  initial sync: {counts['total']:,} records in {elapsed:.1f} s = {rate:,.0f}/s")
    rec.value("initial sync, records", counts["total"], "records",
              note=f"{counts['created_in_desk']:,} created in Desk, {counts['created_in_crm']:,} "
              f"in CRM, {counts['skipped']:,} ambiguous skipped")  # fmt: skip
    rec.value("initial sync, time", elapsed, "s")
    rec.value("initial sync rate", rate, "records/s", target=">= 10000", ok=rate >= 10_000)
    plain = _plain_sql_rate(sizes)
    rec.value("plain SQL insert rate, same rows", plain, "rows/s",
              note=f"sync / plain = {rate / plain:.2f}")  # fmt: skip
    memory_contacts = int(os.environ.get("TANDEM_BENCH_SYNC_MEMORY", 0) or 0)
    if memory_contacts:
        peak = _memory_run(memory_contacts)
        rec.value(f"initial sync peak RSS at {memory_contacts:,} contacts", peak, "MB",
                  target="<= 500", ok=peak <= 500)  # fmt: skip
    _over_http(rec, sizes, console)


def _memory_run(contacts: int) -> float:
    """Peak RSS of a process doing nothing but the initial sync of `contacts` CRM contacts
    (against half as many in Desk). Another process generates them first, so the figure is
    the sync's, not the generator's."""
    made = _child(f"s.memory_world({contacts})")
    org = next(line for line in made.splitlines() if line.startswith("ORG")).split()[1]
    out = _child(
        f"s.memory_sync({org!r});"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    return float(next(line for line in out.splitlines() if line.startswith("PEAK")).split()[1])


def _child(statement: str) -> str:
    code = f"import django,resource;django.setup();from bench import sync as s;{statement}"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def memory_world(contacts: int) -> None:
    admin = _admin()
    org, portal, _member = _fresh_world(admin)
    _generate(org, portal, admin, {"crm": contacts, "desk": contacts // 2})
    print("ORG", org.slug)


def memory_sync(org_slug: str) -> None:
    from tandem.crm import queries as crm

    _enable_and_drain(crm.membership(_admin(), None, org_slug).member)


# ---- over HTTP ----------------------------------------------------------------------------


def _request(conn, method, path, token, body=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else None


def _over_http(rec, sizes, console) -> None:
    from bench.over_http import _free_port, serve, stop
    from tandem.crm import queries as crm
    from tandem.identity import tokens
    from tandem.integration import queries
    from tandem.integration.models import SyncLink

    admin = _admin()
    org = crm.org_by_slug(ORG)
    link = queries.integration_of(org.id)
    crm_token = tokens.do_create_token(actor=admin, kind="crm", tenant_id=org.id)[1]
    desk_token = tokens.do_create_token(actor=admin, kind="desk", tenant_id=link.portal_id)[1]
    pairs = list(SyncLink.objects.filter(integration=link, module="Contacts", gone="")
                 .values_list("crm_id", "desk_id")[:500])  # fmt: skip
    connection.close()  # the server's processes write now
    port = _free_port()
    server = serve(port)
    try:
        console.print("  propagation over HTTP (tandem serve: web + worker)…")
        for direction in ("crm→desk", "desk→crm"):
            samples = [_propagate(port, crm_token, desk_token, pair, direction, n)
                       for n, pair in enumerate(pairs[: sizes["edits"]])]  # fmt: skip
            ms = [s * 1000 for s in samples]
            rec.value(f"propagation {direction} p50", percentile(ms, 50), "ms", target="<= 300",
                      ok=percentile(ms, 50) <= 300)  # fmt: skip
            rec.value(f"propagation {direction} p99", percentile(ms, 99), "ms", target="<= 1000",
                      ok=percentile(ms, 99) <= 1000)  # fmt: skip
        _sustained(rec, port, crm_token, desk_token, pairs, sizes, console)
    finally:
        stop(server)


def _propagate(port, crm_token, desk_token, pair, direction, n, timeout=10.0) -> float:
    crm_id, desk_id = pair
    value = f"+1 555 {n % 10000:04d} {random.randint(10, 99)}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if direction == "crm→desk":
        write = ("PATCH", f"/api/crm/v1/Contacts/{crm_id}", crm_token, {"Phone": value})
        read = ("GET", f"/api/desk/v1/contacts/{desk_id}", desk_token, "phone")
    else:
        write = ("PATCH", f"/api/desk/v1/contacts/{desk_id}", desk_token, {"phone": value})
        read = ("GET", f"/api/crm/v1/Contacts/{crm_id}", crm_token, "Phone")
    _request(conn, *write)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if (_request(conn, read[0], read[1], read[2]) or {}).get(read[3]) == value:
            return time.perf_counter() - started
        time.sleep(0.01)
    return timeout


def _sustained(rec, port, crm_token, desk_token, pairs, sizes, console) -> None:
    """50 edits a second, half through each API (a few client threads keep the pace), for
    `sustain` seconds, while the sync's own status says how far behind it is; then how long
    until it has caught up, and whether every record ended with its last value on both sides."""
    console.print(f"  sustained: 50 edits/s for {sizes['sustain']} s…")
    rate, seconds, senders = 50, sizes["sustain"], 10
    last: dict = {}
    lags: list[float] = []
    stop = threading.Event()
    status = "/api/crm/v1/integrations/desk/sync/Contacts/status"

    def watch() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while not stop.is_set():
            lags.append(_request(conn, "GET", status, crm_token)["lag_seconds"])
            stop.wait(0.5)

    def send(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for n in range(k, rate * seconds, senders):
            if (pause := started + n / rate - time.perf_counter()) > 0:
                time.sleep(pause)
            crm_id, desk_id = pairs[n % len(pairs)]
            value = f"+1 555 {n % 10000:04d}"
            if n % 2:
                _request(conn, "PATCH", f"/api/crm/v1/Contacts/{crm_id}", crm_token,
                         {"Phone": value})  # fmt: skip
            else:
                _request(conn, "PATCH", f"/api/desk/v1/contacts/{desk_id}", desk_token,
                         {"phone": value})  # fmt: skip
            last[n] = (crm_id, desk_id, value)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=send, args=(k,)) for k in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = time.perf_counter() - started
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    caught = time.perf_counter()
    while _request(conn, "GET", status, crm_token)["lag_seconds"] > 0:
        if time.perf_counter() - caught > 120:
            break
        time.sleep(0.05)
    caught_up = time.perf_counter() - caught
    stop.set()
    final = {}
    for n in sorted(last):  # the last value written to each pair
        crm_id, desk_id, value = last[n]
        final[(crm_id, desk_id)] = value
    time.sleep(1)
    unequal = 0
    for (crm_id, desk_id), value in final.items():
        crm_phone = _request(conn, "GET", f"/api/crm/v1/Contacts/{crm_id}", crm_token).get("Phone")
        desk_phone = _request(conn, "GET", f"/api/desk/v1/contacts/{desk_id}", desk_token)["phone"]
        unequal += not (crm_phone == desk_phone == value)
    rec.value("sustained edits sent", rate * seconds / sent, "edits/s", target=">= 50",
              note=f"{rate * seconds} edits in {sent:.1f} s, {senders} clients")  # fmt: skip
    worst = max(lags) if lags else 0.0
    rec.value("sustained: worst lag while editing", worst, "s", target="< 2", ok=worst < 2)
    rec.value("sustained: catching up after the last edit", caught_up, "s")
    rec.value("sustained: records without their last value", unequal, "records", target="0",
              ok=unequal == 0)  # fmt: skip
