"""Desk tenancy and setup: portals, departments, agents, SLA policies, custom ticket fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRIORITIES = ["Low", "Medium", "High", "Urgent"]


class Portal(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    # Counters bumped under the portal row's lock: ticket numbers and change-log sequences are
    # per portal, gap-free and in commit order (a reader of the change log never skips a row).
    last_ticket_number = models.BigIntegerField(default=0)
    last_change_seq = models.BigIntegerField(default=0)
    # The ZSC key: only its SHA-256 is kept; generating a new one revokes the old one.
    zsc_key_hash = models.CharField(max_length=64, blank=True)
    zsc_key_prefix = models.CharField(max_length=12, blank=True)
    zsc_key_created_at = models.DateTimeField(null=True, blank=True)
    zsc_key_admin = models.ForeignKey(
        "desk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A customer who writes in gets an email saying their request is ticket #N, with the link
    # to follow it; some teams answer so fast that they switch it off.
    acknowledge_new_tickets = models.BooleanField(default=True)
    # Customers have no Tandem account, hence no language of their own: the emails they get
    # and their ticket pages speak the portal's customer language.
    customer_language = models.CharField(
        _("customer language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portal", "name"], name="desk_department_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        AGENT = "agent", _("Agent")
        LIGHT_AGENT = "light_agent", _("Light Agent")

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DEACTIVATED = "deactivated", _("Deactivated")

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="agents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AGENT)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    departments = models.ManyToManyField(Department, blank=True, related_name="agents")
    joined_at = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portal", "user"], name="desk_agent_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.portal}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def can_reply(self) -> bool:
        """Replies, forwards and field updates: Admins and Agents; Light Agents only comment."""
        return self.is_active and self.role in (self.Role.ADMIN, self.Role.AGENT)

    def department_ids(self) -> set[int]:
        # Cached per object: role checks ask many times per request.
        if not hasattr(self, "_department_ids"):
            self._department_ids = set(self.departments.values_list("id", flat=True))
        return self._department_ids

    def can_see_department(self, department_id: int | None) -> bool:
        return self.is_admin or department_id in self.department_ids()


class SlaPolicy(models.Model):
    """A department's promise: hours to the first response and to resolution, per priority.
    A ticket still unanswered at its first-response deadline, or overdue longer than
    `escalate_after_hours`, is escalated."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="sla")
    first_response_hours = models.JSONField(default=dict)  # {"High": 4, ...}
    resolution_hours = models.JSONField(default=dict)  # {"High": 24, ...}
    escalate_after_hours = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"SLA of {self.department_id}"

    def hours(self, kind: str, priority: str) -> float | None:
        value = (self.first_response_hours if kind == "response" else self.resolution_hours).get(
            priority
        )
        return float(value) if value not in (None, "") else None


class TicketField(models.Model):
    """A custom ticket field of a portal; values live in Ticket.cf under `name`."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        PICKLIST = "picklist", _("Picklist")

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="ticket_fields")
    name = models.SlugField(max_length=50)
    label = models.CharField(max_length=80)
    type = models.CharField(max_length=10, choices=Type.choices)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portal", "name"], name="desk_ticketfield_name")
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label
