"""HTTP client for the BigCommerce REST API. Imports no Django on purpose.

    client = BigCommerceClient(store_hash="abc123", access_token=token)
    # or BigCommerceClient.from_connection(store_connection), or api_url="http://127.0.0.1:8765"
    for page in client.iter_product_pages(filters={"date_modified:min": since}):
        save(page.items)                      # raw dicts, as received
        report(page.page, page.total_pages)
    result = client.update_products(rows)     # split into batches of 10
    for failure in result.failed: ...         # per item: status, title, errors, transient

Retries, backoff and the rate budget are inside; callers see either a result or one of the
exceptions in `errors` (`transient` says whether a later retry may succeed). One client per
thread (it holds a requests.Session); a budget may be shared, and RedisBudget shares it
between processes.
"""

from .batching import BatchItemError, BatchResult
from .client import DEFAULT_API_URL, BigCommerceClient
from .errors import (
    AuthError,
    BigCommerceError,
    Conflict,
    DuplicateName,
    DuplicateSku,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    Unreachable,
    ValidationError,
)
from .http import longest_request_seconds
from .idempotent import create_or_find
from .paging import Page, iso_timestamp, rfc2822_timestamp
from .ratelimit import LocalBudget, RateBudget, RateLimitState, RedisBudget
from .resources.store import StoreInfo
from .resources.webhooks import Webhook

__all__ = [
    "DEFAULT_API_URL",
    "AuthError",
    "BatchItemError",
    "BatchResult",
    "BigCommerceClient",
    "BigCommerceError",
    "Conflict",
    "DuplicateName",
    "DuplicateSku",
    "InvalidRequest",
    "LocalBudget",
    "NotFound",
    "Page",
    "PayloadTooLarge",
    "RateBudget",
    "RateLimitState",
    "RateLimited",
    "RedisBudget",
    "ServerError",
    "StoreInfo",
    "UnexpectedResponse",
    "Unreachable",
    "ValidationError",
    "Webhook",
    "create_or_find",
    "iso_timestamp",
    "longest_request_seconds",
    "rfc2822_timestamp",
]
