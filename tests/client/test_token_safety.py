"""The access token never leaves the client inside an error.

Every exception the HTTP library raises (requests, urllib3, http.client, codecs) comes out
as one of the client's own typed errors whose message, args, exception chain and formatted
traceback carry no token; a token the HTTP library would choke on is refused before anything
is sent. Real sockets on 127.0.0.1, no mocks (the `responses` edge only where it counts
requests).
"""

from __future__ import annotations

import http.server
import logging
import socket
import threading
import traceback
from collections.abc import Iterator

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcsync.client import BigCommerceError, InvalidRequest, Unreachable
from bcsync.client.auth import access_token_problem

from .conftest import TOKEN, FakeTime, make_client


class _Answers200(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"time": 1763870000}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers every GET: whatever fails, the library
    failed on our side, not the network."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers200)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def everything_about(exc: BaseException) -> str:
    """All the text an error can surface: message, repr, args, attributes, the formatted
    traceback with its chain, and the same for every exception it links to."""
    parts: list[str] = []
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        parts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        parts += traceback.format_exception(current)
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
    return "\n".join(parts)


def assert_clean(exc: BaseException, secret: str) -> None:
    text = everything_about(exc)
    for form in {secret, repr(secret)[1:-1], secret.encode("unicode_escape").decode()}:
        assert form not in text, f"the secret appears in {type(exc).__name__}"
    assert exc.__cause__ is None and exc.__context__ is None, "chained to a library error"


HOSTILE_TOKENS = [
    "tok-SECRET\n",
    "tok-\nSECRET-inner",
    " tok-SECRET-leading",
    "tok-SECRET-trailing ",
    "tok SECRET inner space",
    "tok\tSECRET",
    "tok\rSECRET",
    "tok\x00SECRET",
    "tok\x7fSECRET",
    "tok-SECRET-\u0142",
    "tok-SECRET\u2028x",
    "tok-SECRET\x85",
]


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
def test_a_token_the_library_would_choke_on_is_refused_before_sending(
        fake_time: FakeTime, token: str) -> None:
    client = make_client(fake_time, access_token=token)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        with pytest.raises(InvalidRequest) as caught:
            client.server_time()
        assert len(rsps.calls) == 0
    assert caught.value.transient is False and caught.value.request_sent is False
    assert "access token" in str(caught.value)
    assert_clean(caught.value, token)


@pytest.mark.parametrize("token", HOSTILE_TOKENS)
def test_a_hostile_token_against_a_real_server_raises_only_typed_token_free_errors(
        fake_time: FakeTime, live_url: str, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(fake_time, api_url=live_url, access_token=token)
    with pytest.raises(BigCommerceError) as caught:
        client.server_time()
    assert_clean(caught.value, token)
    assert token not in caplog.text and repr(token)[1:-1] not in caplog.text


# Any characters at all, between two distinctive runs so that finding it means a leak.
@given(token=st.text(max_size=30).map(lambda middle: f"Zq8R{middle}kT3m"))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_token_either_works_or_fails_typed_and_clean(live_url: str, token: str) -> None:
    client = make_client(FakeTime(), api_url=live_url, access_token=token)
    try:
        client.server_time()
    except BigCommerceError as exc:
        assert access_token_problem(token) is not None
        assert_clean(exc, token)
    else:
        assert access_token_problem(token) is None


@pytest.mark.parametrize(("option", "value"), [
    ("user_agent", "bcsync\nX-Injected: 1"),      # requests: InvalidHeader
    ("user_agent", "bcsync/\u0142"),              # http.client: UnicodeEncodeError
    ("api_url", "http://127.0.0.1:99999"),        # requests: InvalidURL
    ("api_url", "htp://127.0.0.1"),               # requests: InvalidSchema
    ("api_url", "127.0.0.1"),                     # requests: MissingSchema
    ("api_url", "http://"),                       # requests: InvalidURL (no host)
    ("api_url", "http://[::1"),                   # requests: InvalidURL
    ("api_url", "http://a" + "b" * 300 + ".test"),  # urllib3: LocationParseError (a ValueError)
])
def test_every_exception_of_the_http_library_becomes_a_typed_error(
        fake_time: FakeTime, live_url: str, option: str, value: str) -> None:
    options = {"api_url": live_url, option: value}
    client = make_client(fake_time, **options)
    with pytest.raises(BigCommerceError) as caught:
        client.server_time()
    assert isinstance(caught.value, InvalidRequest), type(caught.value)
    assert caught.value.transient is False
    assert fake_time.sleeps == []  # a request that cannot be built is not retried
    assert_clean(caught.value, TOKEN)


def test_a_connection_failure_is_unreachable_with_its_reason_and_no_chain(
        fake_time: FakeTime) -> None:
    client = make_client(fake_time, api_url=f"http://127.0.0.1:{closed_port()}",
                         max_retries=1)
    with pytest.raises(Unreachable) as caught:
        client.server_time()
    assert "Connection refused" in str(caught.value)
    assert caught.value.transient is True
    # The library's exception holds the prepared request (headers and all): not linked.
    assert_clean(caught.value, TOKEN)


def test_the_debug_page_of_a_client_failure_shows_no_token(fake_time: FakeTime, rf) -> None:
    """Django's technical 500 page prints every frame's local variables and every chained
    exception: none of them may hold the token."""
    import sys

    from django.views.debug import ExceptionReporter

    client = make_client(fake_time, api_url=f"http://127.0.0.1:{closed_port()}",
                         max_retries=0)

    def failing_view() -> None:
        client.server_time()

    try:
        failing_view()
    except Unreachable:
        html = ExceptionReporter(rf.get("/"), *sys.exc_info()).get_traceback_html()
    assert "Unreachable" in html
    assert TOKEN not in html
