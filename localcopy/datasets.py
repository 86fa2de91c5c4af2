"""One description per LC dataset, read by every part of the LC and by the panel.

A dataset is what the panel shows as one row and reloads as one unit. Its entry says which
models it owns (the first names it; the panel counts them all: its row count and its
progress are both in records of these models), which children go with them, how it is read
from BigCommerce, whether it keeps a watermark, which webhook resources refresh it and how
reconciliation lists the ids BigCommerce has. Names and labels are `models.Dataset`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bcsync.client import BigCommerceClient

from . import listing, pulls
from .models import (
    Dataset,
    LcBrand,
    LcCategory,
    LcCustomer,
    LcCustomerGroup,
    LcLocation,
    LcOrder,
    LcOrderLine,
    LcProduct,
    LcShippingAddress,
    LcShippingMethod,
    LcVariant,
    Mirrored,
)
from .passes import Pass

ALL = "all"



class Pull(Protocol):
    """Read the dataset and write it page by page: everything (`full`, a Full Reload) or
    what changed since `since` (None: everything again, for lists without a date filter)."""

    def __call__(self, p: Pass, *, full: bool, since: datetime | None) -> None: ...


ListIds = Callable[[BigCommerceClient], listing.Present]


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    # What the dataset owns, the model it is named after first. Its row count is theirs.
    models: tuple[type[Mirrored], ...]
    # Reached by foreign key from an owned model: written and deleted with their parent,
    # never counted on their own (a product's variants, an order's lines and addresses).
    children: tuple[type[Mirrored], ...]
    pull: Pull
    # BigCommerce filters it by date_modified: it keeps a watermark for incremental passes.
    dated: bool
    # Webhook resources (`WebhookRefresh.resource`) that re-read one of its records.
    resources: tuple[str, ...]
    list_ids: ListIds

    @property
    def label(self) -> str:
        return str(Dataset(self.name).label)


DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in (
    DatasetSpec(Dataset.PRODUCTS, (LcProduct,), (LcVariant,), pulls.pull_products,
                dated=True, resources=("product", "sku"), list_ids=listing.product_ids),
    DatasetSpec(Dataset.CATEGORIES, (LcCategory,), (), pulls.pull_categories,
                dated=False, resources=("category",), list_ids=listing.category_ids),
    DatasetSpec(Dataset.BRANDS, (LcBrand,), (), pulls.pull_brands,
                dated=False, resources=("brand",), list_ids=listing.brand_ids),
    DatasetSpec(Dataset.ORDERS, (LcOrder,), (LcOrderLine, LcShippingAddress), pulls.pull_orders,
                dated=True, resources=("order",), list_ids=listing.order_ids),
    DatasetSpec(Dataset.CUSTOMERS, (LcCustomer, LcCustomerGroup), (), pulls.pull_customers,
                dated=True, resources=("customer",), list_ids=listing.customer_ids),
    DatasetSpec(Dataset.CARRIERS, (LcLocation, LcShippingMethod), (), pulls.pull_carriers,
                dated=False, resources=(), list_ids=listing.carrier_ids),
)}

RESOURCES: dict[str, DatasetSpec] = {
    resource: spec for spec in DATASETS.values() for resource in spec.resources}


def dataset_spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown LC dataset {name!r}; one of {sorted(DATASETS)}") from None


def dataset_names(name: str) -> list[str]:
    """`name` checked against the known datasets; "all" is every one, in the panel's order."""
    return list(DATASETS) if name == ALL else [dataset_spec(name).name]


def resource_spec(resource: str) -> DatasetSpec:
    try:
        return RESOURCES[resource]
    except KeyError:
        raise ValueError(f"unknown resource {resource!r}; one of {sorted(RESOURCES)}") from None

