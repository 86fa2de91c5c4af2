"""Links between the POS's sales records and a store's: a customer (or one of its contacts)
and its BigCommerce customer, a price level and its BigCommerce customer group."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .connections import StoreConnection


class CustomerSync(models.Model):
    """One BigCommerce customer's POS counterpart on a store: the customer itself, or one of
    its contacts (each contact has its own email, so its own account online)."""

    class LinkedBy(models.TextChoices):
        EMAIL = "email", "Email"
        CREATED = "created", "Created on BigCommerce"
        IMPORTED = "imported", "Imported from BigCommerce"

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="customer_links")
    customer = models.ForeignKey("orders.Customer", on_delete=models.CASCADE,
                                 related_name="bc_links")
    contact = models.ForeignKey("orders.CustomerContact", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="bc_links",
                                help_text="Empty: the customer's own email is linked.")
    bc_customer_id = models.BigIntegerField("BigCommerce customer id")
    email = models.CharField(max_length=255, blank=True,
                             help_text="The email the link was made by.")
    linked_by = models.CharField(max_length=10, choices=LinkedBy.choices)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["connection", "bc_customer_id"]
        verbose_name = "customer link"
        constraints = [
            models.UniqueConstraint(fields=["connection", "bc_customer_id"],
                                    name="customer_sync_bc_id_once"),
            models.UniqueConstraint(fields=["connection", "customer"],
                                    condition=Q(contact__isnull=True),
                                    name="customer_sync_customer_once"),
            models.UniqueConstraint(fields=["connection", "contact"],
                                    condition=Q(contact__isnull=False),
                                    name="customer_sync_contact_once"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.contact_id or '-'} ↔ {self.bc_customer_id}"


class PriceLevelSync(models.Model):
    """A price level's BigCommerce customer group on a store (B2B)."""

    connection = models.ForeignKey(StoreConnection, on_delete=models.CASCADE,
                                   related_name="price_level_links")
    price_level = models.ForeignKey("orders.PriceLevel", on_delete=models.CASCADE,
                                    related_name="bc_links")
    bc_group_id = models.BigIntegerField("BigCommerce customer group id")
    linked_at = models.DateTimeField(auto_now_add=True)
    pushed_at = models.DateTimeField(null=True, blank=True,
                                     help_text="When its discount rule was last sent.")

    class Meta:
        ordering = ["connection", "bc_group_id"]
        verbose_name = "price level link"
        constraints = [
            models.UniqueConstraint(fields=["connection", "bc_group_id"],
                                    name="price_level_sync_group_once"),
            models.UniqueConstraint(fields=["connection", "price_level"],
                                    name="price_level_sync_level_once"),
        ]

    def __str__(self) -> str:
        return f"{self.price_level_id} ↔ group {self.bc_group_id}"
