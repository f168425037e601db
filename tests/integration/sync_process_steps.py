"""Steps the sync's process tests run in a process of their own, against the real database the
test prepared (pytest-django's test database is invisible to other processes). Each step prints
one line of JSON for the test to read:

    python -c "from tests.integration.sync_process_steps import main; main()" STEP [ARG]
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter

ADMIN = "admin@acme.test"
BULK_DOMAIN = "bulk.test"  # the contacts the initial-sync test loads
RACE_DOMAIN = "race.test"  # the contacts the two-worker test creates while it edits
MODULE_FIELDS = (
    "state", "initial_state", "initial_done", "initial_total", "linked", "created_in_desk",
    "created_in_crm", "skipped", "failed", "conflicts", "crm_cursor", "desk_cursor",
)  # fmt: skip


def _acme():
    from tandem.crm import queries as crm
    from tandem.desk import queries as desk
    from tandem.identity.models import User
    from tandem.integration import queries

    admin = User.objects.get(email=ADMIN)
    member = crm.membership(admin, None, "acme").member
    portal = desk.portal_by_slug("acme-support")
    return admin, member, member.org, portal, queries.integration_of(member.org_id)


def load_contacts(count: str) -> dict:
    """Contacts not synced yet (the demo's Contacts sync state wiped); `count` CRM contacts,
    a quarter of them already in Desk with the address in capitals (to be matched, not
    duplicated); then Done on Contacts, two-way: the worker does the initial sync."""
    from tandem.crm import actions as crm_actions
    from tandem.crm import queries as crm
    from tandem.desk import actions as desk_actions
    from tandem.integration.models import SyncLink, SyncLogEntry, SyncModule
    from tandem.integration.sync import actions as sync_actions

    admin, member, org, portal, link = _acme()
    for model in (SyncModule, SyncLink, SyncLogEntry):
        model.objects.filter(integration=link, module="Contacts").delete()
    contacts = crm.module_for(org, "Contacts")
    n = int(count)
    emails = [f"load{i:05d}@{BULK_DOMAIN}" for i in range(n)]
    for start in range(0, n, 1000):
        rows = [
            {"First_Name": "Bulk", "Last_Name": f"Load {i}", "Email": emails[i]}
            for i in range(start, min(n, start + 1000))
        ]
        answers = crm_actions.do_bulk_create_records(
            actor=admin, org=org, module=contacts, rows=rows, origin="demo"
        )
        assert all(a["status"] == "created" for a in answers), answers[:3]
    in_desk = [
        {"first_name": "Desk", "last_name": f"Load {i}", "email": emails[i].upper()}
        for i in range(0, n, 4)
    ]
    result = desk_actions.do_bulk_save_customers(
        actor=admin, portal=portal, entity="contact", creates=in_desk, updates={}, origin="demo"
    )
    assert not result.errors, result.errors
    before = {"crm": crm.count_records(contacts), "desk": _desk_count(portal)}
    sync_actions.do_configure(actor=member, module="Contacts", body={"direction": "two_way"})
    sm = SyncModule.objects.get(integration=link, module="Contacts")
    return {"before": before, "in_desk_already": len(in_desk), "total": sm.initial_total}


def _desk_count(portal) -> int:
    from tandem.desk import queries as desk

    return desk.count_customers(portal.id, "contact")


def contacts_state(_arg: str = "") -> dict:
    """What the tests check once the workers are quiet: the Contacts links, both sides' counts,
    the log, the module's counters and the task queue."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from tandem.crm import queries as crm
    from tandem.crm.models import Record
    from tandem.desk.models import Contact
    from tandem.integration.models import SyncLink, SyncLogEntry, SyncModule
    from tandem.integration.sync import engine

    _admin, _member, org, portal, link = _acme()
    contacts = crm.module_for(org, "Contacts")
    sm = SyncModule.objects.get(integration=link, module="Contacts")
    live = SyncLink.objects.filter(integration=link, module="Contacts", gone="")
    pairs = list(live.values_list("crm_id", "desk_id"))
    crm_ids = set(Record.objects.filter(module=contacts).values_list("id", flat=True))
    desk_rows = {c["id"]: c for c in Contact.objects.filter(portal=portal).values()}
    log = SyncLogEntry.objects.filter(integration=link, module="Contacts")
    firsts = log.filter(outcome__in=["created", "linked"], crm_id__isnull=False)
    twice = firsts.values("crm_id").annotate(n=Count("id")).filter(n__gt=1)
    desk_emails = Counter(c["email"].lower() for c in desk_rows.values() if c["email"])
    # Both sides on every mapped field, as the merge compares them.
    ctx = engine.context(link, sm)
    records = {r["id"]: r for r in crm.records_by_ids(contacts, [c for c, _d in pairs])}
    account_links = SyncLink.objects.filter(integration=link, module="Accounts", gone="")
    crm_account_of = {d: c for c, d in account_links.values_list("crm_id", "desk_id")}
    differ = []
    for crm_id, desk_id in pairs:
        if crm_id in records and desk_id in desk_rows:
            c = engine.crm_values(ctx, records[crm_id])
            d = engine.desk_values(ctx, desk_rows[desk_id], crm_account_of)
            differ += [[crm_id, desk_id, api, c[api], d[api]] for api in c if c[api] != d[api]]
    return {
        "crm_count": len(crm_ids),
        "desk_count": len(desk_rows),
        "links": len(pairs),
        "crm_linked_twice": len(pairs) - len({c for c, _d in pairs}),
        "desk_linked_twice": len(pairs) - len({d for _c, d in pairs}),
        "dangling": [[c, d] for c, d in pairs if c not in crm_ids or d not in desk_rows],
        "unlinked_crm": sorted(crm_ids - {c for c, _d in pairs}),
        "ambiguous_crm": sorted(
            set(log.filter(reason_code="ambiguous").values_list("crm_id", flat=True)) - {None}
        ),
        "first_sight_twice": [row["crm_id"] for row in twice],
        "failed": list(log.filter(outcome="failed").values_list("reason_code", "reason_args")),
        "created_in_desk_logged": log.filter(reason_code="created_in_desk").count(),
        "created_in_crm_logged": log.filter(reason_code="created_in_crm").count(),
        "desk_emails_twice": sorted(e for e, n in desk_emails.items() if n > 1),
        "desk_bulk": sum(n for e, n in desk_emails.items() if e.endswith("@" + BULK_DOMAIN)),
        "bulk_linked": sum(
            1
            for c, d in pairs
            if d in desk_rows
            and desk_rows[d]["email"].lower().endswith("@" + BULK_DOMAIN)
            and c in records
            and records[c]["data"].get("Email", "").lower() == desk_rows[d]["email"].lower()
        ),
        "differ": differ,
        "module": {name: getattr(sm, name) for name in MODULE_FIELDS},
        "heads": {"crm": crm.last_change_sequence(org.id), "desk": _desk_head(portal)},
        "tasks": dict(
            Counter(
                DBTaskResult.objects.filter(task_path__endswith="drain_integration").values_list(
                    "status", flat=True
                )
            )
        ),
        "drain_workers": sorted(
            {
                ids[-1]
                for ids in DBTaskResult.objects.filter(
                    task_path__endswith="drain_integration", status="SUCCESSFUL"
                ).values_list("worker_ids", flat=True)
                if ids
            }
        ),
    }


def _desk_head(portal) -> int:
    from tandem.desk import queries as desk

    return desk.last_change_sequence(portal.id)


def race_edits(count: str) -> dict:
    """`count` writes as fast as they go while the workers drain, from both sides at once:
    the phone of a few linked contacts edited in the CRM or in Desk at random (often the
    same contact on both sides within milliseconds), and new contacts on either side. Answers
    the last value written to each contact's phone, and the addresses created."""
    from tandem.crm import actions as crm_actions
    from tandem.crm import queries as crm
    from tandem.desk import actions as desk_actions
    from tandem.desk import queries as desk
    from tandem.integration.models import SyncLink

    admin, _member, org, portal, link = _acme()
    contacts = crm.module_for(org, "Contacts")
    pairs = list(
        SyncLink.objects.filter(integration=link, module="Contacts", gone="")
        .order_by("crm_id")
        .values_list("crm_id", "desk_id")[:6]
    )
    rnd = random.Random(int(os.environ.get("SYNC_RACE_SEED", "10")))
    last: dict[int, str] = {}
    created = {"crm": [], "desk": []}
    for i in range(int(count)):
        roll = rnd.random()
        if roll < 0.1:
            side = rnd.choice(("crm", "desk"))
            email = f"{side}{i}@{RACE_DOMAIN}"
            if side == "crm":
                crm_actions.do_create_record(
                    actor=admin, org=org, module=contacts,
                    values={"Last_Name": f"Race {i}", "Email": email},
                )  # fmt: skip
            else:
                desk_actions.do_save_contact(
                    actor=admin, portal=portal, data={"last_name": f"Race {i}", "email": email}
                )
            created[side].append(email)
            continue
        crm_id, desk_id = rnd.choice(pairs)
        value = f"+1 555 {i:04d}"
        if roll < 0.55:
            record = crm.record_object(contacts, crm_id)
            crm_actions.do_update_record(
                actor=admin, org=org, record=record, values={"Phone": value}
            )
        else:
            desk_actions.do_save_contact(
                actor=admin, portal=portal, data={"phone": value},
                contact=desk.contact_for(portal, desk_id),
            )  # fmt: skip
        last[crm_id] = value
        if rnd.random() < 0.3:
            time.sleep(rnd.random() * 0.01)  # now and then let a drain start in between
    return {"last_phone": last, "pairs": pairs, "created": created}


def race_result(_arg: str = "") -> dict:
    """The phone on both sides of every contact, and the contacts of the race's domain."""
    from tandem.crm import queries as crm
    from tandem.crm.models import Record
    from tandem.desk.models import Contact
    from tandem.integration.models import SyncLink

    _admin, _member, org, portal, link = _acme()
    contacts = crm.module_for(org, "Contacts")
    pairs = dict(
        SyncLink.objects.filter(integration=link, module="Contacts", gone="").values_list(
            "crm_id", "desk_id"
        )
    )
    crm_rows = {r.id: r.data for r in Record.objects.filter(module=contacts)}
    desk_rows = {c.id: c for c in Contact.objects.filter(portal=portal)}
    race_crm = Counter(
        d.get("Email", "").lower() for d in crm_rows.values() if RACE_DOMAIN in d.get("Email", "")
    )
    race_desk = Counter(c.email.lower() for c in desk_rows.values() if RACE_DOMAIN in c.email)
    by_email = {d.get("Email", "").lower(): pk for pk, d in crm_rows.items()}
    return {
        "phones": {
            str(c): [crm_rows.get(c, {}).get("Phone", ""), getattr(desk_rows.get(d), "phone", None)]
            for c, d in pairs.items()
        },
        "race_crm": race_crm,
        "race_desk": race_desk,
        "race_linked": sorted(e for e, pk in by_email.items() if RACE_DOMAIN in e and pk in pairs),
    }


STEPS = {
    "load_contacts": load_contacts,
    "contacts_state": contacts_state,
    "race_edits": race_edits,
    "race_result": race_result,
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    step, *args = sys.argv[1:]
    print(json.dumps(STEPS[step](*args), default=str))
