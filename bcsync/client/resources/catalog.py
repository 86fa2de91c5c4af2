"""Catalog: products, variants, categories, brands, custom fields, images (V3)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..batching import BatchResult, run_batches
from ..idempotent import create_or_find
from ..paging import Page, flatten, walk_v3
from .base import Resource, data_of, record_of, warn_multi_status

PRODUCTS = "/v3/catalog/products"
VARIANTS = "/v3/catalog/variants"
MAX_PAGE = 250
# Batch limits from the specs (413 beyond them).
PRODUCTS_PER_PUT = 10
VARIANTS_PER_PUT = 50
# The spec states no limit for POST /catalog/trees/categories; 50 matches its trees batch.
CATEGORIES_PER_POST = 50
DEFAULT_PRODUCT_INCLUDE = ("variants", "images", "custom_fields")
# include=options or modifiers caps product pages at 10 items.
_SMALL_PAGE_INCLUDES = frozenset({"options", "modifiers"})


def _written_and_problem(body: Any) -> tuple[list[dict[str, Any]], Any]:
    data = data_of(body)
    written = data if isinstance(data, list) else ([data] if isinstance(data, dict) else [])
    problem = body.get("errors") if isinstance(body, dict) else None
    return written, problem or None


class CatalogMixin(Resource):
    # -- products -----------------------------------------------------------------------------

    def iter_product_pages(
        self,
        *,
        include: Iterable[str] = DEFAULT_PRODUCT_INCLUDE,
        filters: Mapping[str, Any] | None = None,
        limit: int = MAX_PAGE,
    ) -> Iterator[Page]:
        """GET /v3/catalog/products, page by page."""
        include = tuple(include)
        if _SMALL_PAGE_INCLUDES & set(include):
            limit = min(limit, 10)
        return walk_v3(self._http, PRODUCTS, {**(filters or {}), "include": include}, limit=limit)

    def iter_products(
        self,
        *,
        include: Iterable[str] = DEFAULT_PRODUCT_INCLUDE,
        filters: Mapping[str, Any] | None = None,
        limit: int = MAX_PAGE,
    ) -> Iterator[dict[str, Any]]:
        """GET /v3/catalog/products, record by record."""
        return flatten(self.iter_product_pages(include=include, filters=filters, limit=limit))

    def get_product(
        self, product_id: int, *, include: Iterable[str] = DEFAULT_PRODUCT_INCLUDE
    ) -> dict[str, Any]:
        """GET /v3/catalog/products/{product_id}"""
        params = {"include": ",".join(include)} if include else None
        body = self._http.get_json(f"{PRODUCTS}/{int(product_id)}", params)
        return record_of(body, what="product")

    def find_product(
        self, *, sku: str | None = None, name: str | None = None
    ) -> dict[str, Any] | None:
        """GET /v3/catalog/products?sku=… or ?name=… (exact match); None if absent."""
        if sku:
            filters = {"sku": sku}
        elif name:
            filters = {"name": name}
        else:
            raise ValueError("find_product needs a sku or a name")
        page = next(self.iter_product_pages(include=(), filters=filters, limit=1))
        return page.items[0] if page.items else None

    def create_product(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST /v3/catalog/products (one product; variants may be nested).

        If the answer is lost (timeout, reset, 5xx) the product is looked up by SKU, else by
        name (both unique in BigCommerce) instead of posting twice.
        """

        def create() -> dict[str, Any]:
            body = self._http.send_json("POST", PRODUCTS, dict(payload))
            warn_multi_status(body, what="create product")
            return record_of(body, what="product")

        def lookup() -> dict[str, Any] | None:
            return self.find_product(sku=payload.get("sku"), name=payload.get("name"))

        return create_or_find(create, lookup, what="product")

    def update_product(self, product_id: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /v3/catalog/products/{product_id}"""
        body = self._http.send_json("PUT", f"{PRODUCTS}/{int(product_id)}", dict(payload))
        warn_multi_status(body, what=f"update product {product_id}")
        return record_of(body, what="product")

    def delete_product(self, product_id: int, *, missing_ok: bool = True) -> None:
        """DELETE /v3/catalog/products/{product_id} (an already absent product is fine)."""
        self._delete(f"{PRODUCTS}/{int(product_id)}", missing_ok=missing_ok)

    def update_products(
        self, items: Sequence[Mapping[str, Any]], *, isolate_invalid: bool = False
    ) -> BatchResult:
        """PUT /v3/catalog/products (batch, each item needs `id`), 10 per request.

        `isolate_invalid` halves a 400/422 chunk until the bad items stand alone.
        """
        if any("id" not in item for item in items):
            raise ValueError("every product in a batch update needs an 'id'")

        def send(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
            return _written_and_problem(self._http.send_json("PUT", PRODUCTS, chunk))

        return run_batches(
            [dict(i) for i in items],
            PRODUCTS_PER_PUT,
            send,
            what="products",
            isolate_invalid=isolate_invalid,
        )

    # -- variants -----------------------------------------------------------------------------

    def iter_variant_pages(
        self,
        *,
        product_id: int | None = None,
        filters: Mapping[str, Any] | None = None,
        limit: int = MAX_PAGE,
    ) -> Iterator[Page]:
        """GET /v3/catalog/products/{product_id}/variants, or GET /v3/catalog/variants."""
        path = VARIANTS if product_id is None else f"{PRODUCTS}/{int(product_id)}/variants"
        return walk_v3(self._http, path, filters, limit=limit)

    def iter_variants(
        self, *, product_id: int | None = None, filters: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Records of `iter_variant_pages`."""
        return flatten(self.iter_variant_pages(product_id=product_id, filters=filters))

    def create_variant(self, product_id: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST /v3/catalog/products/{product_id}/variants (looked up by SKU if answer lost)."""
        path = f"{PRODUCTS}/{int(product_id)}/variants"

        def create() -> dict[str, Any]:
            body = self._http.send_json("POST", path, dict(payload))
            warn_multi_status(body, what=f"create variant of product {product_id}")
            return record_of(body, what="variant")

        def lookup() -> dict[str, Any] | None:
            sku = payload.get("sku")
            if not sku:
                return None
            page = next(self.iter_variant_pages(filters={"sku": sku}, limit=1))
            return page.items[0] if page.items else None

        return create_or_find(create, lookup, what="variant")

    def update_variant(
        self, product_id: int, variant_id: int, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        """PUT /v3/catalog/products/{product_id}/variants/{variant_id}"""
        path = f"{PRODUCTS}/{int(product_id)}/variants/{int(variant_id)}"
        body = self._http.send_json("PUT", path, dict(payload))
        warn_multi_status(body, what=f"update variant {variant_id}")
        return record_of(body, what="variant")

    def update_variants(
        self, items: Sequence[Mapping[str, Any]], *, isolate_invalid: bool = False
    ) -> BatchResult:
        """PUT /v3/catalog/variants (batch), 50 per request.

        An item without `id` creates a variant and must carry `product_id`. A 422 answers
        `{"batch_errors": [...]}` without saying which item failed, so every item of that
        chunk is recorded with all of the chunk's errors (or use `isolate_invalid`).
        """

        def send(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
            return _written_and_problem(self._http.send_json("PUT", VARIANTS, chunk))

        return run_batches(
            [dict(i) for i in items],
            VARIANTS_PER_PUT,
            send,
            what="variants",
            isolate_invalid=isolate_invalid,
        )

    # -- categories ---------------------------------------------------------------------------

    def iter_category_tree_pages(self, *, limit: int = MAX_PAGE) -> Iterator[Page]:
        """GET /v3/catalog/trees"""
        return walk_v3(self._http, "/v3/catalog/trees", None, limit=limit)

    def iter_tree_category_pages(
        self, filters: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE
    ) -> Iterator[Page]:
        """GET /v3/catalog/trees/categories (filters: tree_id:in, category_id:in, parent_id:in…)"""
        return walk_v3(self._http, "/v3/catalog/trees/categories", filters, limit=limit)

    def iter_category_pages(
        self, filters: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE
    ) -> Iterator[Page]:
        """GET /v3/catalog/categories (deprecated by BigCommerce, still supported)."""
        return walk_v3(self._http, "/v3/catalog/categories", filters, limit=limit)

    def iter_categories(self, filters: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """GET /v3/catalog/trees/categories, record by record."""
        return flatten(self.iter_tree_category_pages(filters))

    def create_categories(self, items: Sequence[Mapping[str, Any]]) -> BatchResult:
        """POST /v3/catalog/trees/categories; items need `name` and `tree_id` or `parent_id`."""

        def send(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
            body = self._http.send_json("POST", "/v3/catalog/trees/categories", chunk)
            return _written_and_problem(body)

        return run_batches([dict(i) for i in items], CATEGORIES_PER_POST, send, what="categories")

    # -- brands -------------------------------------------------------------------------------

    def iter_brand_pages(
        self, filters: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE
    ) -> Iterator[Page]:
        """GET /v3/catalog/brands"""
        return walk_v3(self._http, "/v3/catalog/brands", filters, limit=limit)

    def iter_brands(self, filters: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """GET /v3/catalog/brands, record by record."""
        return flatten(self.iter_brand_pages(filters))

    def create_brand(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST /v3/catalog/brands (409 DuplicateName if taken; looked up by name if lost)."""

        def create() -> dict[str, Any]:
            body = self._http.send_json("POST", "/v3/catalog/brands", dict(payload))
            return record_of(body, what="brand")

        def lookup() -> dict[str, Any] | None:
            page = next(self.iter_brand_pages({"name": payload.get("name")}, limit=1))
            return page.items[0] if page.items else None

        return create_or_find(create, lookup, what="brand")

    # -- custom fields ------------------------------------------------------------------------

    def iter_custom_fields(self, product_id: int) -> Iterator[dict[str, Any]]:
        """GET /v3/catalog/products/{product_id}/custom-fields"""
        path = f"{PRODUCTS}/{int(product_id)}/custom-fields"
        return flatten(walk_v3(self._http, path, None, limit=MAX_PAGE))

    def create_custom_field(self, product_id: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        """POST /v3/catalog/products/{product_id}/custom-fields

        Not retried when the answer is lost: the name-value pair is unique per product, so a
        repeat fails with 409/422 rather than duplicating.
        """
        path = f"{PRODUCTS}/{int(product_id)}/custom-fields"
        return record_of(self._http.send_json("POST", path, dict(payload)), what="custom field")

    def update_custom_field(
        self, product_id: int, field_id: int, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        """PUT /v3/catalog/products/{product_id}/custom-fields/{custom_field_id}"""
        path = f"{PRODUCTS}/{int(product_id)}/custom-fields/{int(field_id)}"
        return record_of(self._http.send_json("PUT", path, dict(payload)), what="custom field")

    def delete_custom_field(
        self, product_id: int, field_id: int, *, missing_ok: bool = True
    ) -> None:
        """DELETE /v3/catalog/products/{product_id}/custom-fields/{custom_field_id}"""
        path = f"{PRODUCTS}/{int(product_id)}/custom-fields/{int(field_id)}"
        self._delete(path, missing_ok=missing_ok)

    # -- images -------------------------------------------------------------------------------

    def create_product_image(
        self, product_id: int, image_url: str, **fields: Any
    ) -> dict[str, Any]:
        """POST /v3/catalog/products/{product_id}/images with `image_url` (JSON, ≤255 chars)."""
        if len(image_url) > 255:
            raise ValueError("image_url is limited to 255 characters")
        path = f"{PRODUCTS}/{int(product_id)}/images"
        body = self._http.send_json("POST", path, {**fields, "image_url": image_url})
        return record_of(body, what="image")
