"""What the Web View's Import Now confirmation says before anything is imported: how many
products, how many of them are linked already (importing those links, never duplicates),
into which store and with which mapping."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet

from localcopy.models import LcProduct

from .models import ImportSettings, ItemSync, StoreConnection

# The built-in mapping, used when the store's import settings name none.
AUTOMATIC_MAPPING = "Automatic"


@dataclass(frozen=True)
class ImportSummary:
    store: str
    products: int
    linked: int
    mapping: str

    @property
    def new(self) -> int:
        return self.products - self.linked

    def text(self) -> str:
        noun = "product" if self.products == 1 else "products"
        head = (f"Import {self.products} {noun} from {self.store} "
                f"with the {self.mapping} mapping")
        if self.linked:
            head += (f": {self.new} new, {self.linked} already linked (kept linked, not "
                     "imported again)")
        return head + "."

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "new": self.new, "text": self.text()}


def import_summary(*, connection: StoreConnection, products: QuerySet[LcProduct]
                   ) -> ImportSummary:
    """Count the selection and its linked products (two indexed counts, however many).
    Reads the import settings without creating them: asking writes nothing."""
    settings = (ImportSettings.objects.filter(connection=connection)
                .select_related("product_mapping").first())
    mapping = settings.product_mapping if settings else None
    linked = ItemSync.objects.filter(
        connection=connection, bc_product_id__isnull=False,
        bc_product_id__in=products.order_by().values("bc_id")).count()
    return ImportSummary(store=connection.description or connection.store_hash,
                         products=products.count(), linked=linked,
                         mapping=mapping.name if mapping else AUTOMATIC_MAPPING)
