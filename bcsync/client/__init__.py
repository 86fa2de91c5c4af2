"""HTTP client for the BigCommerce REST API. Imports no Django on purpose."""

from .batching import BatchItemError, BatchResult
from .client import DEFAULT_API_URL, BigCommerceClient
from .errors import (
    AuthError,
    BigCommerceError,
    Conflict,
    DuplicateName,
    DuplicateSku,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    UnexpectedResponse,
    Unreachable,
    ValidationError,
)
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
    "rfc2822_timestamp",
]
