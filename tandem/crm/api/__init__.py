"""The CRM REST API (/api/crm/v1/): parse, authorize, delegate to actions/queries, shape.

Routers are added in order: fixed paths first, the per-module record routes (/{Module}/…)
last, so `modules`, `users`, `signals`… are never taken for module names."""

from tandem.crm import hooks
from tandem.crm.api import modules, people, records, signals
from tandem.identity.api_auth import tenant_auth
from tandem.web.api import new_api

api = new_api(
    title="Tandem CRM API",
    namespace="crm_api",
    auth=tenant_auth("crm"),
    description="Orgs, modules, records and the Desk integration. Authenticate with "
    "`Authorization: Bearer <token>` (a token of one org) or a browser session with CSRF.",
)
api.add_router("", people.router)
api.add_router("", modules.router)
api.add_router("", signals.router)
# Routers other apps registered (the integration's integrations/desk/…), ahead of the records.
for extra in hooks.api_routers:
    api.add_router("", extra)
# Last: /{Module}, /{Module}/{int:id}… Routes other apps add later (integrations/desk/…,
# {Module}/{id}/tickets) cannot be shadowed: record ids are ints and no record route has a
# second literal segment.
api.add_router("", records.router)
