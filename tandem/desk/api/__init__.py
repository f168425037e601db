"""The Desk REST API (/api/desk/v1/): parse, authorize, delegate to actions/queries, shape."""

from tandem.desk import hooks
from tandem.desk.api import conversation, customers, setup, tickets
from tandem.identity.api_auth import tenant_auth
from tandem.web.api import new_api

api = new_api(
    title="Tandem Desk API",
    namespace="desk_api",
    auth=tenant_auth("desk"),
    description="Portals, agents, customers and tickets. Authenticate with "
    "`Authorization: Bearer <token>` (a token of one portal) or a browser session with CSRF.",
)
for module in (setup, customers, tickets, conversation):
    api.add_router("", module.router)
# Routers other apps registered (the integration's integrations/crm).
for extra in hooks.api_routers:
    api.add_router("", extra)
