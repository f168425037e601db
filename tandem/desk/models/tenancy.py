"""Desk tenancy: portals, departments and agents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Portal(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portal", "user"], name="desk_agent_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.portal}"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN
