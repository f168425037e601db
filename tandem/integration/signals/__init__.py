"""SalesSignals from Desk (issue 12): the six ticket notifications in the CRM, who receives
them, exactly once, live, and acted on in place.

- kinds.py: the six kinds, what each Desk ticket event raises, the words in each language;
- recipients.py: the owners of the ticket's CRM records who may see it;
- engine.py: the drain from the portal's change log, one transaction per batch;
- tasks.py: the drain after every Desk commit, and the sweep;
- act.py, views.py: the signal's detail (ticket, latest message, Reply/Comment/Update Field).

`register()` is called from the integration's AppConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from tandem.crm import hooks as crm_hooks
    from tandem.desk import hooks as desk_hooks
    from tandem.integration.signals import act, kinds, tasks

    crm_hooks.register_signal_source(
        crm_hooks.SignalSource(
            key=kinds.SOURCE,
            label=_("Desk"),
            settings=dict(kinds.KINDS),
            render_detail=act.render_detail,
        )
    )
    desk_hooks.register_change_listener(tasks.desk_changed)
