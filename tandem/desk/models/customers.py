"""Desk's customers: contacts, accounts, and the products they ask about."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.desk.models.tenancy import Department, Portal


class Account(models.Model):
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="accounts")
    account_name = models.CharField(_("account name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["portal", "account_name"]),
            models.Index(fields=["portal", "email"]),
        ]

    def __str__(self) -> str:
        return self.account_name


class Contact(models.Model):
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    secondary_email = models.EmailField(_("secondary email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=50, blank=True)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["portal", "email"]),
            models.Index(fields=["portal", "secondary_email"]),
            models.Index(fields=["portal", "last_name", "first_name"]),
            models.Index(fields=["account", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Product(models.Model):
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="products")
    product_name = models.CharField(_("product name"), max_length=200)
    product_code = models.CharField(_("product code"), max_length=100, blank=True)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    departments = models.ManyToManyField(Department, blank=True, related_name="products")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["portal", "product_name"])]

    def __str__(self) -> str:
        return self.product_name
