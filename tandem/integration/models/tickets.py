"""Tickets in CRM records: per integration, which modules show the Desk list and which
tickets CRM users see; and which Desk tickets are linked to which CRM deal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_MODULES = ["Accounts", "Contacts", "Deals"]


def default_modules() -> list[str]:
    return list(DEFAULT_MODULES)


class TicketSettings(models.Model):
    """One per integration, created with its defaults when first read (I13, I14)."""

    class Visibility(models.TextChoices):
        ALL_DEPARTMENTS = "all_departments", _("Tickets of all departments")
        OWN_DEPARTMENTS = "own_departments", _("Only tickets of the user's departments")

    integration = models.OneToOneField(
        "integration.DeskIntegration", on_delete=models.CASCADE, related_name="ticket_settings"
    )
    # api names of the CRM modules whose record pages show the Desk related list
    modules = models.JSONField(default=default_modules)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.ALL_DEPARTMENTS
    )
    # The CRM change log read so far for changes of linked deals (kept current on tickets).
    deal_cursor = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"ticket settings of integration {self.integration_id}"


class DealTicket(models.Model):
    """A Desk ticket linked to a CRM deal (I21). A ticket has at most one deal per portal;
    the portal is kept so a link of a previous portal never shows after switching."""

    integration = models.ForeignKey(
        "integration.DeskIntegration", on_delete=models.CASCADE, related_name="+"
    )
    portal_id = models.BigIntegerField()
    deal_id = models.BigIntegerField()
    ticket_id = models.BigIntegerField()
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "portal_id", "ticket_id"], name="integration_deal_ticket"
            )
        ]
        indexes = [models.Index(fields=["integration", "deal_id"], name="integration_deal")]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} → deal {self.deal_id}"


def staged_path(instance: StagedFile, filename: str) -> str:
    # Never the uploaded name on disk: a random name under the integration's folder.
    from django.utils.crypto import get_random_string

    return f"integration/{instance.integration_id}/staged/{get_random_string(24)}"


class StagedFile(models.Model):
    """A file a CRM user uploaded for the ticket they are about to create (`POST
    desk/attachments`, then `POST {Module}/{id}/tickets` with `attachment_ids`). Creating the
    ticket moves it into Desk as the ticket's attachment; one never claimed is swept after a
    day."""

    integration = models.ForeignKey(
        "integration.DeskIntegration", on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=staged_path, max_length=255)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.name
