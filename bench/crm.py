"""CRM at scale: 1,000,000 contacts and 200,000 accounts in one org (SQLite by default).

Measures, in process (server time, no network): the first page of a list view (API and UI),
a record page with its related lists, a lookup by exact Email, POST Contacts/bulk throughput,
and a CSV import of 100,000 rows (time, and peak memory of the process that runs it)."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from bench.harness import scenario, timed
from tandem import demo
from tandem.crm import queries
from tandem.crm.models import Field, ImportJob, Record
from tandem.identity import tenants, tokens
from tandem.identity.models import User

FULL = {"contacts": 1_000_000, "accounts": 200_000, "import": 100_000, "bulk": 20}
QUICK = {"contacts": 20_000, "accounts": 4_000, "import": 5_000, "bulk": 5}
CHUNK = 20_000


def _fields(module) -> dict[str, Field]:
    return {f.api_name: f for f in Field.objects.filter(module=module)}


def _insert(module, rows: list[tuple[int, dict, str, str]], keys, owner_id: int) -> None:
    """Raw bulk insert of (id, data, name, search) rows and their index keys."""
    now = timezone.now().isoformat()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO crm_record (id, org_id, module_id, data, name, search, owner_id,"
            " created_at, modified_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (pk, module.org_id, module.pk, json.dumps(data), name, search, owner_id, now, now)
                for pk, data, name, search in rows
            ],
        )
        cursor.executemany(
            "INSERT INTO crm_recordkey (record_id, field_id, value) VALUES (%s, %s, %s)", keys
        )


def _generate(org, owner, sizes, console) -> tuple[int, int]:
    """Fill the org up to the wanted sizes (kept between runs). Returns first ids of the
    generated accounts and contacts."""
    accounts, contacts = queries.module_for(org, "Accounts"), queries.module_for(org, "Contacts")
    af, cf = _fields(accounts), _fields(contacts)
    have_accounts = Record.objects.filter(module=accounts, name__startswith="Bench ").count()
    have_contacts = Record.objects.filter(module=contacts, name__startswith="Bench ").count()
    first = Record.objects.filter(module=accounts, name__startswith="Bench ").order_by("pk")
    next_id = (Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.perf_counter()
    while have_accounts < sizes["accounts"]:
        n = min(CHUNK, sizes["accounts"] - have_accounts)
        rows, keys = [], []
        for i in range(have_accounts, have_accounts + n):
            name = f"Bench Account {i}"
            email = f"info{i}@account{i}.example"
            data = {"Account_Name": name, "Email": email, "Billing_City": "Berlin"}
            rows.append((next_id, data, name, f"{name} {email}".lower()))
            keys.append((next_id, af["Email"].pk, email))
            next_id += 1
        with transaction.atomic():
            _insert(accounts, rows, keys, owner.pk)
        have_accounts += n
    account_ids = list(first.values_list("pk", flat=True)[: sizes["accounts"]])
    rnd = random.Random(1)
    while have_contacts < sizes["contacts"]:
        n = min(CHUNK, sizes["contacts"] - have_contacts)
        rows, keys = [], []
        for i in range(have_contacts, have_contacts + n):
            account = account_ids[rnd.randrange(len(account_ids))]
            email = f"person{i}@bench.example"
            data = {
                "First_Name": "Bench",
                "Last_Name": f"Person {i}",
                "Email": email,
                "Phone": f"+49 30 {i:07d}",
                "Account_Name": account,
            }
            name = f"Bench Person {i}"
            rows.append((next_id, data, name, f"{name} {email} {data['Phone']}".lower()))
            keys += [
                (next_id, cf["Email"].pk, email),
                (next_id, cf["Phone"].pk, data["Phone"]),
                (next_id, cf["Account_Name"].pk, str(account)),
            ]
            next_id += 1
        with transaction.atomic():
            _insert(contacts, rows, keys, owner.pk)
        have_contacts += n
        if have_contacts % 200_000 == 0:
            console.print(f"  {have_contacts:,} contacts ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return account_ids[0], 0


def _client(user, org) -> Client:
    membership = tenants.membership(user, "crm", slug=org.slug)
    _token, secret = tokens.do_create_token(actor=user, kind="crm", tenant_id=membership.tenant_id)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _ok(response) -> None:
    assert response.status_code == 200, (response.status_code, response.content[:500])


@scenario(
    "crm", "CRM with 1M contacts / 200k accounts: list, record page, Email lookup, bulk, import"
)
def crm(rec, *, quick: bool, console) -> None:
    sizes = QUICK if quick else FULL
    demo.load()
    admin = User.objects.get(email="admin@acme.test")
    org = queries.org_by_slug("acme")
    console.print(f"  generating {sizes['contacts']:,} contacts, {sizes['accounts']:,} accounts…")
    started = time.perf_counter()
    _generate(org, admin, sizes, console)
    rec.value("data generation", time.perf_counter() - started, "s", note="kept between runs")
    api = _client(admin, org)
    ui = Client()
    ui.force_login(admin)
    repeat = 50 if quick else 300
    rnd = random.Random(2)
    n_contacts, n_accounts = sizes["contacts"], sizes["accounts"]
    accounts = queries.module_for(org, "Accounts")
    sample_accounts = list(
        Record.objects.filter(module=accounts, name__startswith="Bench ")
        .order_by("pk")
        .values_list("pk", flat=True)[: n_accounts : max(1, n_accounts // 500)]
    )

    rec.latency(
        "API list Contacts, first page",
        timed(lambda: _ok(api.get("/api/crm/v1/Contacts")), repeat),
        target_ms=50,
    )
    rec.latency(
        "UI list view Contacts, first page",
        timed(lambda: _ok(ui.get("/crm/acme/m/Contacts/")), repeat),
        target_ms=50,
    )
    rec.latency(
        "UI record page Account with related lists",
        timed(lambda: _ok(ui.get(f"/crm/acme/m/Accounts/{rnd.choice(sample_accounts)}/")), repeat),
        target_ms=50,
    )
    rec.latency(
        "API related lists of an Account",
        timed(
            lambda: _ok(api.get(f"/api/crm/v1/Accounts/{rnd.choice(sample_accounts)}/related")),
            repeat,
        ),
        target_ms=50,
    )

    def lookup():
        email = f"person{rnd.randrange(n_contacts)}@bench.example"
        response = api.get(f"/api/crm/v1/Contacts?Email={email}")
        _ok(response)
        assert len(response.json()["data"]) == 1

    rec.latency("API lookup Contacts by exact Email", timed(lookup, repeat), target_ms=50)

    total, started = 0, time.perf_counter()
    for batch in range(sizes["bulk"]):
        rows = [
            {
                "Last_Name": f"Bulk {batch}-{i}",
                "Email": f"bulk{batch}-{i}@bulk.example",
                "Account_Name": sample_accounts[i % len(sample_accounts)],
            }
            for i in range(1000)
        ]
        response = api.post(
            "/api/crm/v1/Contacts/bulk", {"data": rows}, content_type="application/json"
        )
        _ok(response)
        total += sum(1 for r in response.json()["data"] if r["status"] == "created")
    rate = total / (time.perf_counter() - started)
    rec.value(
        "POST Contacts/bulk",
        rate,
        "records/s",
        target="≥ 5000",
        ok=rate >= 5000,
        note=f"{total:,} records in batches of 1,000",
    )
    _import(rec, org, admin, sizes["import"], console)


def _import(rec, org, admin, rows: int, console) -> None:
    path = Path(os.environ.get("TANDEM_DATA_DIR") or "var").resolve() / "bench" / "import.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Email", "Phone", "Title"])
        for i in range(rows):
            writer.writerow(
                [
                    "Imported",
                    f"Row {i}",
                    f"imp{i}.{time.time_ns()}@import.example",
                    f"+1 555 {i:07d}",
                    "Buyer",
                ]
            )
    contacts = queries.module_for(org, "Contacts")
    job = ImportJob.objects.create(
        org=org,
        module=contacts,
        user=admin,
        file_name="import.csv",
        path=str(path),
        columns=["First Name", "Last Name", "Email", "Phone", "Title"],
        mapping={
            "First Name": "First_Name",
            "Last Name": "Last_Name",
            "Email": "Email",
            "Phone": "Phone",
            "Title": "Title",
        },
        state=ImportJob.State.QUEUED,
    )
    # A separate process, so its peak memory is the import's alone.
    code = (
        "import django, time; django.setup();"
        "from tandem.crm.actions.imports import run_import;"
        f"t = time.perf_counter(); job = run_import({job.pk});"
        # VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
        "hwm = open('/proc/self/status').read().split('VmHWM:')[1].split()[0];"
        "print(job.state, job.created, time.perf_counter() - t, hwm)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tandem.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    state, created, seconds, rss_kb = out[-4], int(out[-3]), float(out[-2]), int(out[-1])
    assert state == "done" and created == rows, out
    rec.value(
        f"CSV import {rows:,} rows",
        seconds,
        "s",
        target="≤ 60 s",
        ok=seconds <= 60,
        note=f"{rows / seconds:,.0f} rows/s",
    )
    rec.value(
        "CSV import peak memory (RSS)",
        rss_kb / 1024,
        "MB",
        target="< 300 MB",
        ok=rss_kb / 1024 < 300,
        note="whole worker process",
    )
