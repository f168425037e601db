"""The ticket page's option lists (web.render.option_tags): the assignee shown chosen, every
active agent offered to an Admin, only themselves to an Agent, names escaped."""

from __future__ import annotations

import re

from tandem.desk import actions


def assign_options(html: str) -> list[tuple[str, bool, str]]:
    form = re.search(r'<form[^>]*id="assign-form".*?</form>', html, re.S).group(0)
    return re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', form)


def test_the_assignee_is_the_chosen_option_and_names_are_escaped(browser_as, admin, ticket):
    admin.user.name = "Ada <b>Admin</b>"
    admin.user.save(update_fields=["name"])
    actions.do_update_ticket(actor=admin, ticket=ticket, data={"assignee_id": admin.id})
    html = browser_as("admin").get(f"/desk/acme-support/tickets/{ticket.id}/").content.decode()
    options = assign_options(html)
    assert ("", "", "Nobody") in options
    chosen = [(value, name) for value, selected, name in options if selected]
    assert chosen == [(str(admin.id), "Ada &lt;b&gt;Admin&lt;/b&gt;")]
    assert len([o for o in options if o[0]]) >= 2  # an Admin may assign to any active agent
    assert "<b>Admin</b>" not in html


def test_an_agent_is_offered_only_to_take_the_ticket(browser_as, person, ticket):
    html = browser_as("agent").get(f"/desk/acme-support/tickets/{ticket.id}/").content.decode()
    offered = [o for o in assign_options(html) if o[0]]
    assert [(selected, name) for _value, selected, name in offered] == [
        ("", person("agent@acme.test").display_name)
    ]
