"""CRM tenancy: orgs, profiles (permission sets) and the people in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Org(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    # The last change-log sequence handed out. Writers lock the org row to take the next
    # numbers, so sequences are gapless and in commit order even on PostgreSQL: a reader
    # following the log from a cursor can never skip a change committed late.
    change_seq = models.BigIntegerField(default=0)
    # Setup > Channels > SalesSignals: {source: {setting: bool}}; missing means the default.
    signal_settings = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name


# The profiles do_create_org seeds (their stored names stay English: the API gives them out).
SYSTEM_PROFILE_NAMES = {"Administrator": _("Administrator"), "Standard": _("Standard")}


class Profile(models.Model):
    """A permission set. Feature permissions are named in FEATURES."""

    FEATURES = {
        "manage_users": _("Manage users"),
        "customize_modules": _("Customize modules"),
        "desk_integration": _("Desk integration"),
        "import_export": _("Import and export"),
    }

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="profiles")
    name = models.CharField(_("name"), max_length=80)
    is_administrator = models.BooleanField(default=False)
    features = models.JSONField(default=list, blank=True)
    # {module api name: ["view", "create", "edit", "delete"]}; administrators may do all.
    module_permissions = models.JSONField(default=dict, blank=True)

    RECORD_ACTIONS = ("view", "create", "edit", "delete")
    # A context of their own: "View" here is the right to see records, not a list view.
    RECORD_ACTION_LABELS = {
        "view": pgettext_lazy("permission", "View"),
        "create": pgettext_lazy("permission", "Create"),
        "edit": pgettext_lazy("permission", "Edit"),
        "delete": pgettext_lazy("permission", "Delete"),
    }

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="crm_profile_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The name as the UI shows it: the two profiles every org starts with in the person's
        language, the ones an admin named as written."""
        return str(SYSTEM_PROFILE_NAMES.get(self.name, self.name))

    def allows(self, feature: str) -> bool:
        return self.is_administrator or feature in self.features

    def allows_module(self, module_api_name: str, action: str) -> bool:
        if self.is_administrator:
            return True
        return action in self.module_permissions.get(module_api_name, ())


class OrgUser(models.Model):
    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DEACTIVATED = "deactivated", _("Deactivated")

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="members")
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    joined_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "user"], name="crm_orguser_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.org}"

    def can(self, feature: str) -> bool:
        return self.state == self.State.ACTIVE and self.profile.allows(feature)

    def can_module(self, module_api_name: str, action: str) -> bool:
        return self.state == self.State.ACTIVE and self.profile.allows_module(
            module_api_name, action
        )
