"""The forms of a Desk signal's detail page post here: parse, act, say how it went, back to
the signal (thin: the rules are in act.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.crm import queries as crm
from tandem.identity.decorators import tenant_view
from tandem.integration.signals.act import do_act_on_signal
from tandem.web.errors import Problem

DONE = {
    "comment": gettext_lazy("Your comment was added to the ticket."),
    "reply": gettext_lazy("Your reply was sent to the customer."),
    "update": gettext_lazy("The ticket was updated."),
}
FIELD_LABELS = {
    "content": gettext_lazy("Text"),
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "field": gettext_lazy("Field"),
}


@tenant_view("crm")
@require_POST
def act(request, signal_id: int, op: str):
    member = request.member
    try:
        signal = crm.signal_for(member, signal_id)
    except Problem as problem:
        raise Http404(problem.detail) from None
    if op not in DONE:
        raise Http404(_("Unknown action."))
    try:
        do_act_on_signal(actor=member, signal=signal, op=op, data=request.POST)
    except Problem as problem:
        messages.error(request, problem.text(FIELD_LABELS))
    else:
        messages.success(request, str(DONE[op]))
    return redirect("crm:signal", member.org.slug, signal.pk)
