"""The one place that sends HTTP to BigCommerce: session, retries, rate limit, logging, errors."""

from __future__ import annotations

import http.client
import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import orjson
import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.exceptions import (
    ChunkedEncodingError,
    ContentDecodingError,
    InvalidHeader,
    InvalidSchema,
    InvalidURL,
    MissingSchema,
    URLRequired,
)

from .auth import TokenAuth, access_token_problem
from .errors import (
    TRANSIENT_5XX,
    BigCommerceError,
    InvalidRequest,
    ServerError,
    Unreachable,
    ValidationError,
    error_from_response,
)
from .ratelimit import LocalBudget, RateBudget, RateLimitState

__all__ = ["HttpCore", "longest_request_seconds", "path_template"]

logger = logging.getLogger("bcsync.client")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_NUMERIC_SEGMENT = re.compile(r"/\d+(?=/|$)")
# Backoff: full jitter over an exponentially growing ceiling (AWS architecture blog).
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 30.0
# Never sleep longer than this for one budget wait, so a bad clock can't park a worker.
MAX_BUDGET_WAIT_S = 60.0
# With a keepalive set, a wait is slept in slices this long, the keepalive called before each.
KEEPALIVE_SLICE_S = 5.0

Keepalive = Callable[[], None]


def _attempt_seconds(timeout: tuple[float, float] | float) -> float:
    return float(sum(timeout)) if isinstance(timeout, tuple) else 2 * float(timeout)


def longest_request_seconds(
    *, timeout: tuple[float, float] | float, max_retry_seconds: float
) -> float:
    """The longest one logical request can take, retries and their waits included.

    The loop sleeps before a retry only while `max_retry_seconds` have not passed, and the
    last attempt may then take its whole timeout (connect + read). Rate-budget waits come on
    top, but those call the keepalive as they go.
    """
    return max_retry_seconds + _attempt_seconds(timeout)


def path_template(path: str) -> str:
    """`/v3/catalog/products/123/images/4` -> `/v3/catalog/products/{id}/images/{id}`."""
    return _NUMERIC_SEGMENT.sub("/{id}", path.split("?", 1)[0])


def _json_default(value: Any) -> Any:
    # Prices come from the POS as Decimal; BigCommerce wants JSON numbers, not strings.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# Everything the HTTP library raises from `Session.request`: its own RequestException family,
# and what it lets through on bad input (urllib3's LocationParseError, http.client's
# InvalidURL, UnicodeEncodeError for a header that is not Latin-1: all ValueErrors).
_LIBRARY_ERRORS = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
    ValueError,
    TypeError,
    LookupError,
)
_BAD_URL = (
    InvalidURL,
    InvalidSchema,
    MissingSchema,
    URLRequired,
    urllib3.exceptions.LocationValueError,
    http.client.InvalidURL,
)
_BAD_HEADER = (InvalidHeader, UnicodeEncodeError)


def _failed_before_send(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (safe to repeat any method)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.ReadTimeout):
        return False
    reason: Any = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError
    )


def _network_reason(exc: BaseException) -> str:
    """The operating system's words for a connection failure ("Connection refused", "Name or
    service not known"), found down the library's exception chain; never its messages, which
    name objects that hold the request and its headers."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and isinstance(current.strerror, str):
            return current.strerror
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None),
                  *current.args)
        todo.extend(e for e in linked if isinstance(e, BaseException))
    return ""


def _library_failure(
    exc: BaseException, *, method: str, path: str, base_url: str
) -> BigCommerceError:
    """The client's own error for an exception of the HTTP library. It is never chained to
    that exception: its message, args, `request` attribute and frames can hold the token."""
    name = type(exc).__name__
    if isinstance(exc, requests.ConnectionError | requests.Timeout | ChunkedEncodingError):
        return Unreachable(
            f"{name} talking to BigCommerce",
            detail=_network_reason(exc),
            method=method,
            path=path,
            request_sent=not _failed_before_send(exc),
        )
    if isinstance(exc, ContentDecodingError):
        return ServerError(
            "The response body could not be decoded", method=method, path=path
        )
    if isinstance(exc, _BAD_HEADER):
        return InvalidRequest(
            f"{name}: a request header cannot be sent (check the access token)",
            method=method,
            path=path,
            request_sent=False,
        )
    if isinstance(exc, _BAD_URL):
        return InvalidRequest(
            f"{name}: the API URL cannot be used ({base_url})",
            method=method,
            path=path,
            request_sent=False,
        )
    # Anything else the library refused: not retried, and a POST not repeated.
    return InvalidRequest(f"{name} while sending the request", method=method, path=path)


class HttpCore:
    """Session plus the request loop. Resource modules call `request()` / `get_json()`."""

    def __init__(
        self,
        *,
        api_url: str,
        store_hash: str,
        access_token: str,
        timeout: tuple[float, float] | float,
        max_retries: int,
        max_retry_seconds: float,
        budget: RateBudget | None,
        session: requests.Session | None,
        user_agent: str,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[float, float], float] = random.uniform,
    ) -> None:
        # Called before each attempt and during every wait; a long-running caller uses it to
        # show it is alive while a request is retried or throttled (None: nobody listens).
        self.keepalive: Keepalive | None = None
        self.base_url = f"{api_url.rstrip('/')}/stores/{store_hash}"
        self.store_hash = store_hash
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_seconds = max_retry_seconds
        self.budget: RateBudget = budget if budget is not None else LocalBudget(clock=clock)
        self.sleep = sleep
        self.clock = clock
        self.rng = rng
        self.request_count = 0
        self.last_rate_limit = RateLimitState()
        self._auth = TokenAuth(access_token)
        self._token_problem = access_token_problem(access_token)
        if session is None:
            session = requests.Session()
            # Retries are ours (they need the rate-limit and POST rules), so urllib3 does none.
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session
        self._headers = {
            "Accept": "application/json",
            "User-Agent": user_agent,
        }

    def close(self) -> None:
        self.session.close()

    # -- the loop -----------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        return self.rng(0.0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2**attempt)))

    def _pause(self, seconds: float) -> None:
        """Sleep; with a keepalive, in slices with the keepalive called before each."""
        if self.keepalive is None:
            self.sleep(seconds)
            return
        remaining = seconds
        while remaining > 0:
            self.keepalive()
            step = min(remaining, KEEPALIVE_SLICE_S)
            self.sleep(step)
            remaining -= step

    def _wait_for_budget(self) -> None:
        while (wait := self.budget.acquire()) > 0:
            logger.debug("rate budget low, waiting %.2fs", wait)
            self._pause(min(wait, MAX_BUDGET_WAIT_S))

    def _retry_wait_429(self, state: RateLimitState, attempt: int) -> float:
        if state.reset_ms is not None:
            return state.reset_ms / 1000.0
        if state.retry_after_s is not None:
            return state.retry_after_s
        # A 429 without headers means platform load, not our quota.
        return self._backoff(attempt)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> requests.Response:
        """Send one logical request, retrying what is safe to retry; return a 2xx response.

        Retried: 429 (any method: the request was not processed), failures before the request
        was sent (any method), and 5xx / timeouts / resets for idempotent methods only. POST
        is never repeated once it may have reached the server.
        """
        method = method.upper()
        url = self.base_url + path
        headers = dict(self._headers)
        data: bytes | None = None
        try:
            if params:
                # Keep `:` and `,` literal (`id:in=1,2,3`) as the API docs write them; both are
                # legal in a query string, and `+` or spaces in dates still get escaped.
                url += "?" + urlencode(params, safe=":,", quote_via=quote)
            if json_body is not None:
                headers["Content-Type"] = "application/json"
                # Bytes, not str: http.client encodes a str body as Latin-1 and would choke
                # on "€". NaN and infinities are not JSON: refuse them here, not at the API.
                data = json.dumps(
                    json_body,
                    separators=(",", ":"),
                    ensure_ascii=False,
                    allow_nan=False,
                    default=_json_default,
                ).encode("utf-8")
        except (UnicodeEncodeError, ValueError, TypeError) as exc:
            # Text with lone surrogates, NaN, or an object JSON cannot hold: nothing was sent.
            raise ValidationError(
                "request cannot be encoded",
                detail=f"{type(exc).__name__}: {str(exc)[:200]}",
                method=method,
                path=path,
                request_sent=False,
            ) from exc
        if self._token_problem:
            raise InvalidRequest(
                self._token_problem, method=method, path=path, request_sent=False
            )
        retryable_sent = method in IDEMPOTENT_METHODS
        started = self.clock()
        attempt = 0
        while True:
            if self.keepalive is not None:
                self.keepalive()
            self._wait_for_budget()
            t0 = time.perf_counter()
            wait: float
            outcome = self._send(method, path, url, data, headers, t0)
            if isinstance(outcome, BigCommerceError):
                # Raised here, outside the `except` that built it: no __context__ either.
                failure = outcome
                if failure.request_sent:
                    self.request_count += 1
                if not failure.transient or (failure.request_sent and not retryable_sent):
                    raise failure
                wait = self._backoff(attempt)
            else:
                resp = outcome
                self.request_count += 1
                state = RateLimitState.from_headers(resp.headers)
                if state.known:
                    self.last_rate_limit = state
                    self.budget.update(state)
                self._log(method, path, resp.status_code, t0, state.requests_left)
                if resp.status_code < 300:
                    return resp
                failure = error_from_response(resp, method=method, path=path)
                if resp.status_code == 429:
                    wait = self._retry_wait_429(state, attempt)
                elif resp.status_code in TRANSIENT_5XX and retryable_sent:
                    wait = self._backoff(attempt)
                else:
                    raise failure
            attempt += 1
            elapsed = self.clock() - started
            if attempt > self.max_retries or elapsed + wait > self.max_retry_seconds:
                failure.detail = f"{failure.detail} (gave up after {attempt} attempts)".strip()
                raise failure
            template = path_template(path)
            logger.info(
                "retrying %s %s in %.2fs (attempt %d/%d): %s",
                *(method, template, wait, attempt, self.max_retries, failure.title),
            )
            self._pause(wait)

    def _send(
        self,
        method: str,
        path: str,
        url: str,
        data: bytes | None,
        headers: dict[str, str],
        t0: float,
    ) -> requests.Response | BigCommerceError:
        """One attempt: the response, or the client's own error for whatever the HTTP
        library raised (returned, not raised, so the caller raises it unchained)."""
        try:
            # No redirects: requests would forward X-Auth-Token to whatever host a
            # redirect names (it only strips Authorization).
            return self.session.request(
                method,
                url,
                data=data,
                headers=headers,
                auth=self._auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except _LIBRARY_ERRORS as exc:
            self._log(method, path, f"ERR {type(exc).__name__}", t0)
            return _library_failure(exc, method=method, path=path, base_url=self.base_url)

    def _log(
        self, method: str, path: str, status: int | str, t0: float, left: int | None = None
    ) -> None:
        ms = (time.perf_counter() - t0) * 1000
        template = path_template(path)
        shown_left = "?" if left is None else left
        logger.info(
            "%s %s %s %.0fms left=%s",
            *(method, template, status, ms, shown_left),
            extra={
                "bc_method": method,
                "bc_path": template,
                "bc_status": status,
                "bc_elapsed_ms": round(ms),
                "bc_requests_left": left,
            },
        )

    # -- helpers for resources ----------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return parse_json(self.request("GET", path, params=params), "GET", path)

    def send_json(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        resp = self.request(method, path, params=params, json_body=body)
        return parse_json(resp, method.upper(), path)

    def __repr__(self) -> str:
        return f"HttpCore(base_url={self.base_url!r})"


def parse_json(resp: requests.Response, method: str = "", path: str = "") -> Any:
    """Body as JSON; None for 204 / empty bodies (V2 lists answer 204 when empty)."""
    if resp.status_code == 204 or not resp.content:
        return None
    try:
        # orjson is several times faster on a 250-product page; what it refuses (NaN,
        # lone surrogates, integers past 64 bits, not UTF-8) the standard library reads as
        # before, and the LC's parsers clean.
        return orjson.loads(resp.content)
    except orjson.JSONDecodeError:
        pass
    try:
        return resp.json()
    except ValueError as exc:
        raise ServerError(
            "Response is not JSON",
            status=resp.status_code,
            detail=resp.text[:200],
            method=method,
            path=path,
        ) from exc
