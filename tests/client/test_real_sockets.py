"""The connection-failure rules against real sockets on 127.0.0.1 (no mocks).

Whether a POST may be repeated depends on which exception urllib3 raises, so this checks the
classification against the real stack rather than hand-built exceptions.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from bcsync.client import Unreachable

from .conftest import FakeTime, make_client


def wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[tuple[int, list[bytes]]]:
    """Accepts connections and reads requests but never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    received: list[bytes] = []
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conns.append(conn)
            # Headers and body may arrive in separate packets: read until the line goes quiet.
            conn.settimeout(0.1)
            chunks = []
            with contextlib.suppress(TimeoutError):
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1]), received
    stop.set()
    thread.join(2)
    for conn in conns:
        conn.close()
    server.close()


def test_it_retries_a_post_when_the_connection_is_refused(fake_time: FakeTime):
    client = make_client(fake_time, api_url=f"http://127.0.0.1:{free_port()}", max_retries=2)

    with pytest.raises(Unreachable) as caught:
        client.create_webhook(scope="store/order/created", destination="https://h.example/x")

    assert caught.value.request_sent is False
    assert len(fake_time.sleeps) == 2  # retried: nothing reached a server
    assert client.request_count == 0


def test_it_does_not_repeat_a_post_after_a_real_read_timeout(silent_server, fake_time):
    port, received = silent_server
    client = make_client(fake_time, api_url=f"http://127.0.0.1:{port}", timeout=(1.0, 0.2))

    with pytest.raises(Unreachable) as caught:
        client._http.send_json(
            "POST", "/v3/inventory/adjustments/relative", {"reason": "vente €", "items": []}
        )

    assert caught.value.request_sent is True
    assert fake_time.sleeps == []
    assert client.request_count == 1
    wait_for(lambda: len(received) >= 1)
    assert [r.split(b" ", 1)[0] for r in received] == [b"POST"]
    assert "vente €".encode() in received[0]


def test_it_retries_a_get_after_a_real_read_timeout(silent_server, fake_time):
    port, received = silent_server
    client = make_client(
        fake_time, api_url=f"http://127.0.0.1:{port}", timeout=(1.0, 0.2), max_retries=1
    )

    with pytest.raises(Unreachable):
        client.server_time()

    assert client.request_count == 2
    assert received
    assert all(r.startswith(b"GET /stores/abc123/v2/time") for r in received)
