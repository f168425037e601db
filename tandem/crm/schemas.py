from ninja import Schema


class OrgOut(Schema):
    id: int
    slug: str
    name: str


class MeOut(Schema):
    user_id: int
    email: str
    name: str
    profile: str
    permissions: list[str]
    org: OrgOut


class OrgUserOut(Schema):
    user_id: int
    email: str
    name: str
    profile: str
    state: str

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.name

    @staticmethod
    def resolve_profile(obj) -> str:
        return obj.profile.name
