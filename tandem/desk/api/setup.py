"""Who I am, departments, agents and invitations, the ZSC key, SLA policies, ticket fields."""

from ninja import Router
from ninja.responses import Status

from tandem.desk import actions, queries
from tandem.desk.schemas import (
    AgentInviteIn,
    AgentOut,
    AgentPatchIn,
    DepartmentIn,
    DepartmentOut,
    MeOut,
    PortalSettingsIn,
    PortalSettingsOut,
    SlaIn,
    SlaOut,
    TicketFieldIn,
    TicketFieldOut,
    ZscKeyOut,
)
from tandem.web.api import page_of, paginate

router = Router()


@router.get("/me", response=MeOut, tags=["Identity"], summary="Who the caller is, in which portal")
def me(request):
    agent = request.member
    return {
        "user_id": agent.user_id,
        "agent_id": agent.id,
        "email": agent.user.email,
        "name": agent.user.name,
        "role": agent.role,
        "department_ids": sorted(agent.department_ids()),
        "portal": agent.portal,
    }


@router.get("/portal", response=PortalSettingsOut, tags=["Portal"])
def portal_settings(request):
    """The caller's portal and its settings."""
    return request.member.portal


@router.patch("/portal", response=PortalSettingsOut, tags=["Portal"])
def update_portal_settings(request, body: PortalSettingsIn):
    """Change the portal's name, acknowledgements or customer language (Desk admins)."""
    data = body.model_dump(exclude_unset=True)
    return actions.do_update_portal(actor=request.member, portal=request.member.portal, data=data)


@router.get("/departments", response=page_of(DepartmentOut), tags=["Departments"])
def list_departments(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.departments_of(request.member.portal), order=("name", "id"))


@router.post("/departments", response={201: DepartmentOut}, tags=["Departments"])
def create_department(request, body: DepartmentIn):
    portal = request.member.portal
    department = actions.do_create_department(actor=request.member, portal=portal, name=body.name)
    return Status(201, department)


@router.get("/departments/{department_id}", response=DepartmentOut, tags=["Departments"])
def get_department(request, department_id: int):
    return queries.department_for(request.member.portal, department_id)


@router.patch("/departments/{department_id}", response=DepartmentOut, tags=["Departments"])
def rename_department(request, department_id: int, body: DepartmentIn):
    department = queries.department_for(request.member.portal, department_id)
    return actions.do_rename_department(actor=request.member, department=department, name=body.name)


@router.delete("/departments/{department_id}", response={204: None}, tags=["Departments"])
def delete_department(request, department_id: int):
    department = queries.department_for(request.member.portal, department_id)
    actions.do_delete_department(actor=request.member, department=department)
    return Status(204, None)


@router.get("/departments/{department_id}/sla", response=SlaOut, tags=["Departments"])
def get_sla(request, department_id: int):
    department = queries.department_for(request.member.portal, department_id)
    policy = queries.sla_policies(request.member.portal).get(department.id)
    if policy is None:
        return {"department_id": department.id}
    return policy


@router.put("/departments/{department_id}/sla", response=SlaOut, tags=["Departments"])
def set_sla(request, department_id: int, body: SlaIn):
    department = queries.department_for(request.member.portal, department_id)
    return actions.do_set_sla(actor=request.member, department=department, **body.model_dump())


@router.get("/agents", response=page_of(AgentOut), tags=["Agents"])
def list_agents(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.agents_of(request.member.portal), order=("id",))


@router.post(
    "/agents", response={201: AgentOut}, tags=["Agents"], summary="Invite an agent by email"
)
def invite_agent(request, body: AgentInviteIn):
    agent = actions.do_invite_agent(
        actor=request.member, portal=request.member.portal, **body.model_dump()
    )
    return Status(201, queries.agent_for(request.member.portal, agent.id))


@router.get("/agents/{agent_id}", response=AgentOut, tags=["Agents"])
def get_agent(request, agent_id: int):
    return queries.agent_for(request.member.portal, agent_id)


@router.patch("/agents/{agent_id}", response=AgentOut, tags=["Agents"])
def update_agent(request, agent_id: int, body: AgentPatchIn):
    agent = queries.agent_for(request.member.portal, agent_id)
    data = body.model_dump(exclude_unset=True)
    actions.do_update_agent(actor=request.member, agent=agent, **data)
    return queries.agent_for(request.member.portal, agent.id)


@router.delete(
    "/agents/{agent_id}", response={204: None}, tags=["Agents"], summary="Deactivate an agent"
)
def deactivate_agent(request, agent_id: int):
    agent = queries.agent_for(request.member.portal, agent_id)
    actions.do_set_agent_state(actor=request.member, agent=agent, active=False)
    return Status(204, None)


@router.post("/zsc-key", response={201: ZscKeyOut}, tags=["Setup"])
def generate_zsc_key(request):
    """A new ZSC key for this portal, shown once; the previous key stops working."""
    portal = request.member.portal
    key = actions.do_generate_zsc_key(actor=request.member, portal=portal)
    return Status(201, {"zsc_key": key, "created_at": portal.zsc_key_created_at})


@router.get("/ticket-fields", response=page_of(TicketFieldOut), tags=["Setup"])
def list_ticket_fields(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.ticket_fields(request.member.portal), order=("id",))


@router.post("/ticket-fields", response={201: TicketFieldOut}, tags=["Setup"])
def add_ticket_field(request, body: TicketFieldIn):
    field = actions.do_add_ticket_field(
        actor=request.member, portal=request.member.portal, **body.model_dump()
    )
    return Status(201, field)


@router.delete("/ticket-fields/{field_id}", response={204: None}, tags=["Setup"])
def delete_ticket_field(request, field_id: int):
    """Remove a custom field; values already on tickets stay in their history."""
    field = queries.ticket_field_for(request.member.portal, field_id)
    actions.do_delete_ticket_field(actor=request.member, field=field)
    return Status(204, None)
