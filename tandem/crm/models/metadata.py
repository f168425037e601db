"""Modules and fields: the metadata every record, form, list and API answer is built from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tandem.crm.models.tenancy import Org


class Module(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        CUSTOM = "custom", _("Custom")
        WEB_TAB = "web_tab", _("Web tab")

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="modules")
    api_name = models.CharField(max_length=60)
    singular_label = models.CharField(_("singular label"), max_length=80)
    plural_label = models.CharField(_("plural label"), max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    # For web tabs: the key of the registered tab (see hooks.web_tabs) that draws it.
    web_tab = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "api_name"], name="crm_module_api_name")
        ]

    def __str__(self) -> str:
        return self.plural_label

    @property
    def has_records(self) -> bool:
        return self.kind != self.Kind.WEB_TAB

    # Labels as the UI shows them: standard modules in the person's language (their English
    # names are marked for translation in standard.py); custom ones as the admin wrote them.
    @property
    def singular(self) -> str:
        return (
            gettext(self.singular_label) if self.kind == self.Kind.STANDARD else self.singular_label
        )

    @property
    def plural(self) -> str:
        return gettext(self.plural_label) if self.kind == self.Kind.STANDARD else self.plural_label


class Field(models.Model):
    class Type(models.TextChoices):
        TEXT = "text", _("Single line")
        TEXTAREA = "textarea", _("Multi-line")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        URL = "url", _("URL")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal")
        CURRENCY = "currency", _("Currency")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date/time")
        BOOLEAN = "boolean", _("Checkbox")
        PICKLIST = "picklist", _("Picklist")
        LOOKUP = "lookup", _("Lookup")
        OWNER = "owner", _("User")

    # Values of these types go to the RecordKey index: exact lookups (?Email=…) and related
    # lists (lookups) stay index seeks at millions of records.
    INDEXED_TYPES = frozenset({"email", "phone", "picklist", "lookup", "owner"})

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="fields")
    api_name = models.CharField(max_length=60)
    label = models.CharField(_("label"), max_length=80)
    type = models.CharField(max_length=10, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    position = models.PositiveIntegerField(default=0)
    is_custom = models.BooleanField(default=False)
    # Part of the record's display name (e.g. First_Name + Last_Name of a contact).
    in_name = models.BooleanField(default=False)
    picklist_values = models.JSONField(default=list, blank=True)
    lookup_module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.CASCADE, related_name="lookups_to"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "api_name"], name="crm_field_api_name")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def title(self) -> str:
        """The label as the UI shows it (standard fields translated)."""
        return self.label if self.is_custom else gettext(self.label)

    @property
    def indexed(self) -> bool:
        return self.type in self.INDEXED_TYPES
