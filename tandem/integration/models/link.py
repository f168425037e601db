"""The integration's own tables: one link per CRM org to a Desk portal, and its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeskIntegration(models.Model):
    """One per CRM org (created at its first set-up, kept after deactivation so that setting
    up again knows the previous portal). No row means `not_configured`."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")
        DEACTIVATED = "deactivated", _("Deactivated")

    class Mode(models.TextChoices):
        OWN_PORTAL = "own_portal", _("One of my portals")
        NEW_PORTAL = "new_portal", _("A new portal")
        OTHER_PORTAL = "other_portal", _("Another user's portal")

    # Referenced by label, not imported: the integration reads CRM and Desk through their
    # queries; the foreign keys only keep the database consistent.
    org = models.OneToOneField("crm.Org", on_delete=models.CASCADE, related_name="+")
    portal = models.ForeignKey(
        "desk.Portal", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    mode = models.CharField(max_length=16, choices=Mode.choices)
    # The Desk admin whose authority the integration uses in Desk.
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For a link made with a ZSC key: when that key was made. A newer key revokes the link's
    # authority (the admin generated it to lock out whoever held the old one).
    zsc_key_created_at = models.DateTimeField(null=True, blank=True)
    # Why it needs attention: a code (see queries.REASONS) and the person it concerns, turned
    # into words in the reader's language when read.
    reason_code = models.CharField(max_length=32, blank=True)
    reason_email = models.CharField(max_length=254, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["portal", "state"])]

    def __str__(self) -> str:
        return f"org {self.org_id} ↔ portal {self.portal_id} ({self.state})"

    @property
    def is_on(self) -> bool:
        """Active or needing attention: linked, even if its authority must be renewed."""
        return self.state in (self.State.ACTIVE, self.State.NEEDS_ATTENTION)


class IntegrationEvent(models.Model):
    """An org's integration history, shown on its pages: every transition, invitation and
    refused key, with who did it."""

    class Kind(models.TextChoices):
        CONNECTED = "connected", _("Connected")
        SWITCHED = "switched", _("Switched portals")
        NEEDS_ATTENTION = "needs_attention", _("Needs attention")
        REAUTHORIZED = "reauthorized", _("Re-authorized")
        DEACTIVATED = "deactivated", _("Deactivated")
        DELETED_IN_DESK = "deleted_in_desk", _("Deleted in Desk")
        INVITED = "invited", _("Invited users")
        KEY_REFUSED = "key_refused", _("Wrong email or ZSC key")

    # By org, not by link: a refused key is recorded (and throttled) before any link exists.
    org = models.ForeignKey("crm.Org", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    portal_name = models.CharField(max_length=120, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["org", "kind", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
