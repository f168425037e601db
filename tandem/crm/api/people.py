"""Who am I, the org's users (invite, change profile, deactivate) and profiles."""

from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from tandem.crm import actions, queries
from tandem.crm.api.helpers import context
from tandem.crm.models import Profile
from tandem.crm.schemas import (
    InviteIn,
    MeOut,
    OrgUserOut,
    OrgUserPatch,
    ProfileIn,
    ProfileOut,
    ProfilePatch,
)
from tandem.web.api import page_of, paginate
from tandem.web.errors import Problem

router = Router()


@router.get("/me", response=MeOut, tags=["Identity"], summary="Who the caller is, in which org")
def me(request):
    member = request.member
    profile = member.profile
    features = list(profile.FEATURES) if profile.is_administrator else list(profile.features)
    return {
        "user_id": member.user_id,
        "email": member.user.email,
        "name": member.user.name,
        "profile": profile.name,
        "permissions": features,
        "org": member.org,
    }


@router.get("/users", response=page_of(OrgUserOut), tags=["Users"], summary="The org's users")
def list_users(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.members_of(request.member.org), order=("user_id",))


@router.post("/users", response={201: OrgUserOut}, tags=["Users"], summary="Invite by email")
def invite_user(request, body: InviteIn):
    actor, org, _member = context(request)
    profile_id = body.profile_id
    if profile_id is None:
        profile = Profile.objects.filter(org=org, name=body.profile or "Standard").first()
        if profile is None:
            raise Problem.invalid({"profile": [_("Choose a profile of this org.")]})
        profile_id = profile.pk
    member = actions.do_invite_user(
        actor=actor, org=org, email=body.email, profile_id=profile_id, name=body.name
    )
    return Status(201, member)


@router.get("/users/{user_id}", response=OrgUserOut, tags=["Users"])
def get_user(request, user_id: int):
    return queries.member_for(request.member.org, user_id)


@router.patch(
    "/users/{user_id}", response=OrgUserOut, tags=["Users"], summary="Change profile or state"
)
def update_user(request, user_id: int, body: OrgUserPatch):
    actor, org, _member = context(request)
    member = queries.member_for(org, user_id)
    member = actions.do_update_user(
        actor=actor, org=org, member=member, profile_id=body.profile_id, state=body.state
    )
    return member


@router.get("/profiles", response=page_of(ProfileOut), tags=["Profiles"])
def list_profiles(request, cursor: str | None = None, limit: int | None = None):
    return paginate(request, queries.profiles_of(request.member.org), order=("id",))


def _profile(org, profile_id: int) -> Profile:
    profile = queries.profiles_of(org).filter(pk=profile_id).first()
    if profile is None:
        raise Problem(404, _("No such profile here."))
    return profile


@router.get("/profiles/{profile_id}", response=ProfileOut, tags=["Profiles"])
def get_profile(request, profile_id: int):
    return _profile(request.member.org, profile_id)


@router.post("/profiles", response={201: ProfileOut}, tags=["Profiles"])
def create_profile(request, body: ProfileIn):
    actor, org, _member = context(request)
    profile = actions.do_create_profile(
        actor=actor,
        org=org,
        name=body.name,
        features=body.features,
        module_permissions=body.module_permissions,
    )
    return Status(201, profile)


@router.patch("/profiles/{profile_id}", response=ProfileOut, tags=["Profiles"])
def update_profile(request, profile_id: int, body: ProfilePatch):
    actor, org, _member = context(request)
    return actions.do_update_profile(
        actor=actor,
        org=org,
        profile=_profile(org, profile_id),
        name=body.name,
        features=body.features,
        module_permissions=body.module_permissions,
    )


@router.delete("/profiles/{profile_id}", response={204: None}, tags=["Profiles"])
def delete_profile(request, profile_id: int):
    actor, org, _member = context(request)
    actions.do_delete_profile(actor=actor, org=org, profile=_profile(org, profile_id))
    return Status(204, None)
