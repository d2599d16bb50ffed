"""The emulator's HTTP server: POST /graphql/v2 runs the GraphQL request against the backend (after the
edge limit, the fault plan and the token budget have had their say); GET /apps/<domain>/<path> answers as
the app deployed behind that domain would.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import traceback
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import graphql

from testkit.fake_railway.backend import FakeRailwayBackend
from testkit.fake_railway.exchange import Answer, handle_graphql

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")


@lru_cache(maxsize=1)
def emulator_schema() -> graphql.GraphQLSchema:
    """The emulator's schema, built from schema.graphql (the subset of Railway's published schema)."""
    return graphql.build_schema(SCHEMA_PATH.read_text())


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeRailwayHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add ~40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the backend's request log is the record (and variables may hold secrets)."""

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if parts.path.rstrip("/") != "/graphql/v2":
            self.send(Answer(404, {"errors": [{"message": f"No route for POST {parts.path}"}]}))
            return
        try:
            answer = handle_graphql(
                self.server.backend,
                emulator_schema(),
                body,
                query_string=parts.query,
                authorization=self.headers.get("Authorization"),
                project_access_token=self.headers.get("Project-Access-Token"),
            )
        except Exception as exc:  # a bug in the emulator: answer it visibly rather than drop the connection
            traceback.print_exc()
            answer = Answer(500, {"errors": [{"message": f"Emulator bug: {type(exc).__name__}: {exc}"}]})
        if answer.delay:
            time.sleep(answer.delay)
        if answer.reset:
            self.reset_connection()
            return
        self.send(answer)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if not parts.path.startswith("/apps/"):
            self.send(Answer(404, {"message": f"No route for GET {parts.path}"}))
            return
        domain, _, rest = parts.path[len("/apps/") :].partition("/")
        domain, path = unquote(domain), "/" + rest
        backend = self.server.backend
        with backend.lock:
            status = backend.health_status(domain)
            backend.health_checks.append((domain, path, status))
        body = {200: {"status": "ok"}, 503: {"status": "unavailable"}}.get(
            status, {"message": "Application not found"}
        )
        self.send(Answer(status, body))

    def send(self, answer: Answer) -> None:
        payload = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. timed out on a slow answer)

    def reset_connection(self) -> None:
        """Close the socket with a TCP RST and no answer at all."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


class FakeRailwayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    backend: FakeRailwayBackend


class FakeRailwayServer:
    """The emulator served on 127.0.0.1 in a background thread."""

    def __init__(
        self, backend: FakeRailwayBackend | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.backend = backend or FakeRailwayBackend()
        self.httpd = FakeRailwayHTTPServer((host, port), Handler)
        self.httpd.backend = self.backend
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-railway", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/graphql/v2"

    def start(self) -> FakeRailwayServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
