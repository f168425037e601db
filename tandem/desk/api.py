"""The Desk REST API (/api/desk/v1/): parse, authorize, delegate to actions/queries, shape."""

from ninja.responses import Status

from tandem.desk import actions, queries
from tandem.desk.schemas import DepartmentIn, DepartmentOut, MeOut
from tandem.identity.api_auth import tenant_auth
from tandem.web.api import new_api, page_of, paginate

api = new_api(
    title="Tandem Desk API",
    namespace="desk_api",
    auth=tenant_auth("desk"),
    description="Portals, agents, customers and tickets. Authenticate with "
    "`Authorization: Bearer <token>` (a token of one portal) or a browser session with CSRF.",
)


@api.get("/me", response=MeOut, tags=["Identity"], summary="Who the caller is, in which portal")
def me(request):
    agent = request.member
    return {
        "user_id": agent.user_id,
        "agent_id": agent.id,
        "email": agent.user.email,
        "name": agent.user.name,
        "role": agent.role,
        "department_ids": sorted(d.id for d in agent.departments.all()),
        "portal": agent.portal,
    }


@api.get("/departments", response=page_of(DepartmentOut), tags=["Departments"])
def list_departments(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.departments_of(request.member.portal), order=("name", "id"))


@api.post("/departments", response={201: DepartmentOut}, tags=["Departments"])
def create_department(request, body: DepartmentIn):
    portal = request.member.portal
    department = actions.do_create_department(actor=request.user, portal=portal, name=body.name)
    return Status(201, department)


@api.get("/departments/{department_id}", response=DepartmentOut, tags=["Departments"])
def get_department(request, department_id: int):
    return queries.department_for(request.member.portal, department_id)


@api.patch("/departments/{department_id}", response=DepartmentOut, tags=["Departments"])
def rename_department(request, department_id: int, body: DepartmentIn):
    department = queries.department_for(request.member.portal, department_id)
    return actions.do_rename_department(actor=request.user, department=department, name=body.name)


@api.delete("/departments/{department_id}", response={204: None}, tags=["Departments"])
def delete_department(request, department_id: int):
    department = queries.department_for(request.member.portal, department_id)
    actions.do_delete_department(actor=request.user, department=department)
    return Status(204, None)
