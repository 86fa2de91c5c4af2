"""HTTP front end: stdlib ThreadingHTTPServer with keep-alive, dispatching through the
router; applies faults, auth and the rate limit in that order."""

from __future__ import annotations

import json
import socket
import struct
import sys
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import control
from .app import Emulator
from .errors import ApiError, v2_error, v3_body
from .routing import Request, Response

WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}
ERROR_TITLES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    # An AF_INET server's address is (host, port) with a str host; typeshed also allows bytes.
    server_address: tuple[str, int]

    def __init__(self, address: tuple[str, int], emu: Emulator) -> None:
        super().__init__(address, RequestHandler)
        self.emu = emu


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bcemulator"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
        # client's delayed ACK adds ~40 ms to every response on a keep-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Requests the standard library refuses before routing (a malformed request line, a
        URI over 64 KiB, ...) get the API's JSON error body, not an HTML page."""
        self.close_connection = True
        title = message or HTTPStatus(code).phrase
        data = json.dumps(v3_body(code, title)).encode()
        self.send_response(code, title)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        if getattr(self.server.emu, "verbose", False):
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def __getattr__(self, name: str) -> object:
        # Any other method (OPTIONS, TRACE, QUERY, ...) goes through the router too, which
        # answers 405 in the API's own JSON shape instead of the standard library's 501 page.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    # ---- plumbing --------------------------------------------------------------------

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        headers = dict(headers or {})
        data = b""
        if body is not None and status != 204:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", _content_type(self.path, status))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # HEAD answers like GET without the body (HTTP semantics; werkzeug routes HEAD to
        # the GET rule).
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _reset_connection(self) -> None:
        """Abort with RST: SO_LINGER (on, 0) then close, so the client sees ECONNRESET."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.rfile.close()  # drop the makefile reference so close() really closes
            self.connection.close()
        except OSError:
            pass

    # ---- dispatch --------------------------------------------------------------------

    def _handle(self) -> None:
        emu = self.server.emu
        url = urlsplit(self.path)
        body = self._read_body()
        query = parse_qs(url.query, keep_blank_values=True)
        if url.path.startswith("/_emulator/") or url.path == "/_emulator":
            status, payload = control.handle(emu, self.command, url.path[len("/_emulator/"):],
                                             query, body)
            self._send(status, payload)
            return
        prefix = f"/stores/{emu.store_hash}"
        if not url.path.startswith(prefix + "/"):
            self._send(404, v3_body(404, "Store not found"))
            return
        path = url.path[len(prefix):]
        template, handler, params = emu.router.match(self.command, path)
        emu.stats.count(f"{self.command} {template or path}")
        req = Request(method=self.command, path=path, query=query, body=body, params=params,
                      headers={k.lower(): v for k, v in self.headers.items()},
                      template=template or "")
        fate = emu.faults.draw(self.command in WRITE_METHODS)
        if fate.delay_ms:
            time.sleep(fate.delay_ms / 1000)
        if fate.kind == "reset":
            self._reset_connection()
            return
        if fate.kind == "error":
            self._send(fate.status, _error_body(req, fate.status, ERROR_TITLES[fate.status]),
                       emu.ratelimit.peek())
            return
        if fate.kind == "rate_limit":
            self._send(429, _error_body(req, 429, "Too many requests"),
                       _retry_after(emu.ratelimit.peek(exhausted=True)))
            return
        if req.headers.get("x-auth-token") != emu.config.token:
            self._send(401, _unauthorized(req), emu.ratelimit.peek())
            return
        allowed, limit_headers = emu.ratelimit.take()
        if not allowed:
            self._send(429, _error_body(req, 429, "Too many requests"),
                       _retry_after(limit_headers))
            return
        response = self._dispatch(req, handler, template)
        if fate.kind == "reset_after_write":
            self._reset_connection()
            return
        self._send(response.status, response.body, {**limit_headers, **response.headers})

    def _dispatch(self, req: Request, handler: object, template: str | None) -> Response:
        emu = self.server.emu
        if handler is None:
            if template == "<method not allowed>":
                allowed = ", ".join(emu.router.allowed_methods(req.path))
                return Response(405, _error_body(req, 405, "Method Not Allowed"),
                                {"Allow": allowed})
            return Response(404, _error_body(req, 404, "The requested resource was not found."))
        emu.begin_events()
        ok = False
        try:
            with emu.store.transaction():
                response = handler(emu, req)  # type: ignore[operator]
            ok = True
        except ApiError as exc:
            response = Response(exc.status, exc.body, exc.headers)
        except Exception:  # noqa: BLE001 - an emulator bug: answer 500 like BC, log it
            traceback.print_exc()
            response = Response(500, _error_body(req, 500, "Internal Server Error"))
        finally:
            emu.end_events(ok)
        return response


def _content_type(raw_path: str, status: int) -> str:
    # The inventory and locations specs declare every error as problem+json (RFC 7807).
    if status >= 400 and "/v3/inventory/" in urlsplit(raw_path).path + "/":
        return "application/problem+json"
    return "application/json"


def _retry_after(headers: dict[str, str]) -> dict[str, str]:
    """429s also say when to come back, in whole seconds (rounded up)."""
    reset_ms = int(headers["X-Rate-Limit-Time-Reset-Ms"])
    return {**headers, "X-Retry-After": str(max(1, -(-reset_ms // 1000)))}


def _error_body(req: Request, status: int, title: str) -> object:
    if req.api == "v2":
        return v2_error(status, title).body
    return v3_body(status, title)


def _unauthorized(req: Request) -> object:
    if req.api == "v2":
        return [{"status": 401, "message": "You are not authorized to access this resource."}]
    # The title is the one the webhooks spec documents for a bad token.
    return {"status": 401,
            "title": "Unauthorized - the v3 Auth client ID or token in the request are not a "
                     "valid combination for this store.",
            "type": "/api-docs/getting-started/api-status-codes", "errors": {}}


def serve(emu: Emulator, host: str, port: int) -> EmulatorServer:
    server = EmulatorServer((host, port), emu)
    bound_host, bound_port = server.server_address[:2]
    emu.public_base = f"http://{bound_host}:{bound_port}/stores/{emu.store_hash}"
    return server
