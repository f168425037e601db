"""The sync (part 2) through its actions and engine: matching, creating, merging, conflicts,
one-way, deletes, pause and resume, retry, deactivation."""

from __future__ import annotations

import pytest

from tandem.desk import queries as desk
from tandem.integration import actions as link_actions
from tandem.integration.models import SyncLink
from tandem.integration.sync import actions as sync_actions
from tandem.integration.sync import drain as drains
from tandem.integration.sync.log import reason_text

from .sync_helpers import World


@pytest.fixture
def world(person, member):
    return World(person, member)


def test_the_demo_syncs_every_module_and_links_its_records(person, member):
    demo = World(person, member, fresh=False)
    states = dict(demo.link.sync_modules.values_list("module", "state"))
    assert states == {"Accounts": "active", "Contacts": "active", "Products": "active"}
    linked = SyncLink.objects.filter(integration=demo.link, module="Contacts", gone="").count()
    # Every contact on each side is linked but the demo's ambiguous look-alikes (one CRM
    # contact, two Desk contacts sharing its address) and one deleted in the CRM.
    assert demo.crm_count() == linked + 1
    assert demo.desk_count() == linked + 3
    outcomes = {e.outcome for e in demo.log()}
    assert {"created", "skipped", "conflict", "unlinked", "updated"} <= outcomes


def test_enabling_again_matches_everything_already_there_without_duplicates(world):
    crm_before, desk_before = world.crm_count(), world.desk_count()
    world.enable("Accounts")
    world.enable("Contacts")
    # Only the Desk contact whose CRM partner the demo deleted is new to the CRM now (the
    # fixture wiped the tombstone that remembered it): everything else is matched.
    assert (world.crm_count(), world.desk_count()) == (crm_before + 1, desk_before)
    links = SyncLink.objects.filter(integration=world.link, module="Contacts", gone="")
    assert links.count() == world.crm_count() - 1  # the ambiguous look-alike stays unlinked
    sm = world.link.sync_modules.get(module="Contacts")
    assert sm.initial_state == "done" and sm.initial_done == sm.initial_total


def test_desks_pass_stops_at_the_contacts_desk_had_when_the_module_was_enabled(world):
    # The CRM pass creates Desk contacts (ids past Desk's newest at enable time): Desk's pass
    # does not read them again. A contact a person adds meanwhile comes by the live log.
    newest = desk.last_customer_id(world.portal.id, "contact")
    fresh = world.crm_create({"Last_Name": "Nuevo", "Email": "nuevo@example.test"})
    sync_actions.do_configure(actor=world.member, module="Contacts", body={})
    sm = world.link.sync_modules.get(module="Contacts")
    assert sm.initial_desk_until == newest
    while sm.initial_state == "running":
        drains.step(world.link.id, "Contacts")
        sm.refresh_from_db()
    created = world.partner_of(fresh.id)
    assert created > newest
    added = world.desk_create({"last_name": "Meanwhile", "email": "meanwhile@example.test"})
    world.drain()
    sm.refresh_from_db()
    assert sm.initial_state == "done" and sm.initial_desk_after <= newest
    assert sm.initial_done == sm.initial_total
    [partner] = SyncLink.objects.filter(integration=world.link, desk_id=added.id, gone="")
    assert world.crm_data(partner.crm_id)["Email"] == "meanwhile@example.test"


def test_a_contact_is_matched_by_email_without_regard_to_case_not_duplicated(world):
    record = world.crm_create({"Last_Name": "Díaz", "Email": "Ana.Diaz@Example.TEST"})
    contact = world.desk_create({"last_name": "Diaz", "email": "ana.diaz@example.test"})
    world.enable("Contacts")
    assert world.partner_of(record.id) == contact.id
    assert world.log(crm_id=record.id, outcome="linked")
    # First sight: the CRM's values win where it has one.
    assert world.desk_row(contact.id)["last_name"] == "Díaz"


def test_two_candidates_are_skipped_as_ambiguous_with_both_ids_never_guessed(world):
    record = world.crm_create({"Last_Name": "Twin", "Email": "twin@example.test"})
    a = world.desk_create({"last_name": "Twin A", "email": "twin@example.test"})
    b = world.desk_create({"last_name": "Twin B", "email": "twin@example.test"})
    world.enable("Contacts")
    assert world.partner_of(record.id) is None
    [skipped] = world.log(crm_id=record.id, outcome="skipped")
    assert skipped.reason_code == "ambiguous"
    assert f"#{a.id}" in skipped.reason_args["ids"] and f"#{b.id}" in skipped.reason_args["ids"]


def test_edits_flow_both_ways_and_are_not_echoed(world):
    world.enable("Contacts")
    record = world.crm_create({"Last_Name": "Lane", "Email": "lane@example.test"})
    world.drain()
    desk_id = world.partner_of(record.id)
    assert world.desk_row(desk_id)["last_name"] == "Lane"
    world.crm_update(record.id, {"Phone": "+1 555 1000"})
    world.drain()
    assert world.desk_row(desk_id)["phone"] == "+1 555 1000"
    world.desk_update(desk_id, {"mobile": "+1 555 2000"})
    world.drain()
    assert world.crm_data(record.id)["Mobile"] == "+1 555 2000"
    # Nothing is waiting and nothing bounces back: a further drain writes nothing.
    sm = world.link.sync_modules.get(module="Contacts")
    world.drain()
    after = world.link.sync_modules.get(module="Contacts")
    assert (after.crm_cursor, after.desk_cursor) == (sm.crm_cursor, sm.desk_cursor)


def test_one_batch_reads_both_logs_so_a_busy_side_never_starves_the_other(world):
    world.enable("Contacts")
    busy = world.crm_create({"Last_Name": "Busy", "Email": "busy@example.test"})
    quiet = world.crm_create({"Last_Name": "Quiet", "Email": "quiet@example.test"})
    world.drain()
    world.crm_update(busy.id, {"Phone": "+1 555 3000"})
    world.desk_update(world.partner_of(quiet.id), {"phone": "+1 555 4000"})
    # One batch: the Desk edit goes with the CRM one, not after the CRM falls quiet.
    assert drains.step(world.link.id, "Contacts")
    assert world.desk_row(world.partner_of(busy.id))["phone"] == "+1 555 3000"
    assert world.crm_data(quiet.id)["Phone"] == "+1 555 4000"


@pytest.mark.parametrize(("rule", "winner"), [("crm", "crm"), ("desk", "desk"), ("latest", "desk")])
def test_both_sides_changed_one_field_the_rule_decides_and_the_loser_is_logged(world, rule, winner):
    world.enable("Contacts", conflict_winner=rule)
    record = world.crm_create({"Last_Name": "Moss", "Email": "moss@example.test"})
    world.drain()
    desk_id = world.partner_of(record.id)
    world.crm_update(record.id, {"Phone": "+1 555 0111"})
    world.desk_update(desk_id, {"phone": "+1 555 0222"})  # committed last
    world.drain()
    kept = "+1 555 0111" if winner == "crm" else "+1 555 0222"
    assert world.crm_data(record.id)["Phone"] == kept
    assert world.desk_row(desk_id)["phone"] == kept
    [conflict] = world.log(crm_id=record.id, outcome="conflict")
    assert reason_text(conflict.reason_code, conflict.reason_args).startswith(
        "Both sides changed Phone"
    )
    assert (conflict.field, conflict.kept, conflict.lost) == (
        "Phone",
        kept,
        "+1 555 0222" if kept == "+1 555 0111" else "+1 555 0111",
    )


def test_one_way_never_pushes_desk_edits_and_the_next_crm_change_overwrites(world):
    world.enable("Contacts", direction="one_way")
    desk_only = world.desk_create({"last_name": "Only In Desk", "email": "only@example.test"})
    record = world.crm_create({"Last_Name": "Oneway", "Email": "oneway@example.test"})
    world.drain()
    desk_id = world.partner_of(record.id)
    world.desk_update(desk_id, {"phone": "+1 555 0999"})
    world.drain()
    assert "Phone" not in world.crm_data(record.id)
    assert SyncLink.objects.filter(desk_id=desk_only.id).count() == 0  # stays in Desk only
    world.crm_update(record.id, {"Phone": "+1 555 0123"})
    world.drain()
    assert world.desk_row(desk_id)["phone"] == "+1 555 0123"


def test_a_crm_delete_unlinks_and_a_later_desk_edit_never_resurrects_it(world):
    world.enable("Contacts")
    record = world.crm_create({"Last_Name": "Gone", "Email": "gone@example.test"})
    world.drain()
    desk_id = world.partner_of(record.id)
    world.crm_delete(record.id)
    world.drain()
    assert world.desk_row(desk_id) is not None  # the Desk contact stays
    [unlinked] = world.log(crm_id=record.id, outcome="unlinked")
    assert unlinked.reason_code == "deleted_in_crm"
    count = world.crm_count()
    world.desk_update(desk_id, {"phone": "+1 555 0777"})
    world.drain()
    assert world.crm_count() == count


def test_a_desk_delete_unlinks_and_the_crm_record_stays(world):
    world.enable("Contacts")
    record = world.crm_create({"Last_Name": "Stay", "Email": "stay@example.test"})
    world.drain()
    world.desk_delete(world.partner_of(record.id))
    world.drain()
    assert world.crm_data(record.id) is not None
    assert world.log(crm_id=record.id, outcome="unlinked")
    desk_count = world.desk_count()
    world.crm_update(record.id, {"Phone": "+1 555 0001"})
    world.drain()
    assert world.desk_count() == desk_count  # not re-created in Desk either


def test_pausing_loses_nothing_changes_sync_on_resume(world):
    world.enable("Contacts")
    record = world.crm_create({"Last_Name": "Pause", "Email": "pause@example.test"})
    world.drain()
    desk_id = world.partner_of(record.id)
    sync_actions.do_pause(actor=world.member, module="Contacts")
    world.crm_update(record.id, {"Phone": "+1 555 0042"})
    world.drain()
    assert world.desk_row(desk_id)["phone"] == ""
    sync_actions.do_resume(actor=world.member, module="Contacts")
    world.drain()
    assert world.desk_row(desk_id)["phone"] == "+1 555 0042"


def test_the_secondary_email_matches_and_the_crm_primary_email_wins(world):
    record = world.crm_create(
        {
            "Last_Name": "Second",
            "Email": "primary@example.test",
            "Secondary_Email": "old@example.test",
        }
    )
    contact = world.desk_create({"last_name": "Second", "email": "old@example.test"})
    world.enable("Contacts", match_fields=["Email", "Secondary_Email"])
    assert world.partner_of(record.id) == contact.id
    row = world.desk_row(contact.id)
    assert row["email"] == "primary@example.test"
    assert row["secondary_email"] == "old@example.test"


def test_with_email_only_the_secondary_email_does_not_match(world):
    record = world.crm_create({"Last_Name": "Solo", "Email": "solo@example.test"})
    contact = world.desk_create(
        {"last_name": "Solo", "email": "other@example.test", "secondary_email": "solo@example.test"}
    )
    world.enable("Contacts")
    assert world.partner_of(record.id) != contact.id


def test_a_contacts_account_follows_its_accounts_link(world):
    world.enable("Accounts")
    account = world.crm_create(
        {"Account_Name": "Umbrella", "Email": "hq@umbrella.test"}, "Accounts"
    )
    world.enable("Contacts")
    record = world.crm_create(
        {"Last_Name": "Worker", "Email": "worker@umbrella.test", "Account_Name": account.id}
    )
    world.drain()
    desk_account = world.partner_of(account.id, "Accounts")
    assert desk_account is not None
    assert world.desk_row(world.partner_of(record.id))["account_id"] == desk_account


def test_products_sync_one_way_into_the_chosen_department(world):
    from tandem.desk import queries as desk

    billing = desk.departments_of(world.portal).get(name="Billing")
    product = world.crm_create(
        {"Product_Name": "Gizmo", "Product_Code": "GZ-1", "Unit_Price": "12.50"}, "Products"
    )
    world.enable("Products", direction="one_way", department_id=billing.id)
    desk_id = world.partner_of(product.id, "Products")
    row = world.desk_row(desk_id, "product")
    assert row["product_name"] == "Gizmo" and str(row["unit_price"]) == "12.50"
    assert billing.id in set(
        desk.product_for(world.portal, desk_id).departments.values_list("id", flat=True)
    )


def test_an_incompatible_field_pair_is_refused_naming_it(world):
    from tandem.web.errors import Problem

    with pytest.raises(Problem) as refused:
        sync_actions.do_configure(
            actor=world.member, module="Contacts",
            body={"field_map": [{"crm": "Email", "desk": "phone"}]},
        )  # fmt: skip
    assert "Email → phone" in refused.value.errors["field_map"][0]
    assert not world.link.sync_modules.exists()


def test_once_enabled_only_the_map_and_the_rule_change(world):
    from tandem.web.errors import Problem

    world.enable("Contacts")
    with pytest.raises(Problem) as refused:
        sync_actions.do_configure(
            actor=world.member, module="Contacts", body={"direction": "one_way"}
        )
    assert refused.value.status == 409
    sync_actions.do_configure(
        actor=world.member, module="Contacts", body={"conflict_winner": "crm"}
    )
    assert world.link.sync_modules.get(module="Contacts").conflict_winner == "crm"


def test_retry_after_fixing_the_data(world):
    record = world.crm_create({"Last_Name": "Retry", "Email": "retry@example.test"})
    world.desk_create({"last_name": "Retry A", "email": "retry@example.test"})
    b = world.desk_create({"last_name": "Retry B", "email": "retry@example.test"})
    world.enable("Contacts")
    [skipped] = world.log(crm_id=record.id, outcome="skipped")
    world.desk_update(b.id, {"email": "retry.b@example.test"})
    world.drain()
    entries = sync_actions.do_retry(actor=world.member, entry_id=skipped.id)
    assert [e.outcome for e in entries] == ["linked"]
    assert world.partner_of(record.id) is not None


def test_deactivation_stops_the_sync_and_setting_up_again_resumes_without_duplicates(world):
    world.enable("Contacts")
    record = world.crm_create({"Last_Name": "Hold", "Email": "hold@example.test"})
    world.drain()
    desk_id = world.partner_of(record.id)
    link_actions.do_deactivate(actor=world.member)
    world.crm_update(record.id, {"Phone": "+1 555 0005"})
    world.drain()
    assert world.desk_row(desk_id)["phone"] == ""
    link_actions.do_connect(actor=world.member, mode="own_portal", portal="acme-support")
    desk_count = world.desk_count()
    world.drain()
    assert world.desk_row(desk_id)["phone"] == "+1 555 0005"
    assert world.desk_count() == desk_count
