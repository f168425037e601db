from ninja import Schema


class PortalOut(Schema):
    id: int
    slug: str
    name: str


class MeOut(Schema):
    user_id: int
    agent_id: int
    email: str
    name: str
    role: str
    department_ids: list[int]
    portal: PortalOut


class DepartmentOut(Schema):
    id: int
    name: str


class DepartmentIn(Schema):
    name: str
