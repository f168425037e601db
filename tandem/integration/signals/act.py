"""Acting on a Desk ticket from its signal (I23): the signal's detail shows the ticket's summary
and its latest message, and Reply, Comment and Update Field right there. The role rules of I7
are those of tickets in CRM records (tickets.access / tickets.actions): a CRM person without an
active Desk account and a Light Agent only comment; an Agent of the ticket's department also
replies and updates fields; with a Desk account one acts as oneself, without one a comment is
written under one's name with the integration's authority."""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from tandem.desk import queries as desk
from tandem.integration.signals.kinds import SOURCE
from tandem.integration.tickets import access
from tandem.integration.tickets import actions as ticket_actions
from tandem.integration.tickets import queries as ticket_queries
from tandem.web.errors import Problem

OPS = ("comment", "reply", "update")
UPDATABLE = ("status", "priority")
LATEST_CHARS = 2000


def _ticket_id(signal) -> int:
    ticket_id = (signal.data or {}).get("ticket_id") if signal.source == SOURCE else None
    if not isinstance(ticket_id, int):
        raise Problem(404, _("This signal is not about a Desk ticket."))
    return ticket_id


def _target(member, signal):
    """(reader, ticket): the person as a reader of the linked portal (404 while the
    integration is off) and the signal's ticket as they may see it (404 otherwise)."""
    if signal.user_id != member.user_id or signal.org_id != member.org_id:
        raise Problem(404, _("No such signal here."))
    reader = access.reader(member)
    return reader, ticket_queries.ticket_for(reader, _ticket_id(signal))


@transaction.atomic
def do_act_on_signal(*, actor, signal, op: str, data: dict):
    """`op` "comment" ({"content"}), "reply" ({"content"}: an email to the customer) or
    "update" ({"status", "priority"}: the ones given). Refusals are 403s that say why."""
    if op not in OPS:
        raise Problem(404, _("Unknown action."))
    reader, ticket = _target(actor, signal)
    content = str(data.get("content") or "").strip()
    if op == "comment":
        return ticket_actions.do_comment(reader=reader, ticket=ticket, content=content)
    if op == "reply":
        if not content:
            raise Problem.invalid({"content": [_("Write something to send.")]})
        return ticket_actions.do_send_thread(
            reader=reader, ticket=ticket, action="reply", content=content
        )
    changes = {f: str(data[f]).strip() for f in UPDATABLE if str(data.get(f) or "").strip()}
    return ticket_actions.do_update(reader=reader, ticket=ticket, data=changes)


def _latest_text(summary: dict) -> str:
    latest = summary.get("latest")
    text = " ".join(strip_tags((latest or {}).get("html") or "").split())
    return text[:LATEST_CHARS] + ("…" if len(text) > LATEST_CHARS else "")


def render_detail(request, member, signal) -> str:
    """The SignalSource hook: the ticket and its actions, or why they cannot show."""
    context = {"signal": signal, "org": member.org}
    try:
        reader, ticket = _target(member, signal)
    except Problem as problem:
        context["unavailable"] = problem.detail
        return render_to_string("integration/signals/detail.html", context, request=request)
    summary = desk.ticket_summary(reader.portal_id, ticket.pk)
    refusal = reader.work_refusal(ticket)
    portal_slug = reader.link.portal.slug
    context.update(
        {
            "ticket": summary,
            "latest_text": _latest_text(summary),
            "work_refusal": refusal,
            "statuses": desk.TICKET_STATUSES,
            "priorities": desk.TICKET_PRIORITIES,
            "record_url": (signal.data or {}).get("record_url") or signal.url,
            "desk_url": (
                reverse("desk:ticket", args=[portal_slug, ticket.pk])
                if reader.agent is not None
                else ""
            ),
            "urls": {
                op: reverse("integration:signal_act", args=[member.org.slug, signal.pk, op])
                for op in OPS
            },
        }
    )
    return render_to_string("integration/signals/detail.html", context, request=request)
