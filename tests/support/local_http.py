"""A local JSON HTTP server on a free port that answers every request through one function: the transport
the scripted fakes of GitHub and Slack share."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (method, path with its query, headers, JSON body or None) -> (status, JSON answer)
Respond = Callable[[str, str, dict[str, str], Any], tuple[int, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        if self.command not in self.server.methods:
            self.send_error(501, f"Unsupported method ({self.command!r})")
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        status, answer = self.server.respond(self.command, self.path, dict(self.headers), body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, respond: Respond, methods: frozenset[str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.respond = respond
        self.methods = methods


@contextmanager
def serving(respond: Respond, methods: frozenset[str]) -> Iterator[str]:
    """Serve `methods` (others: 501, as http.server answers them) through `respond`; yields the base URL."""
    server = _Server(respond, methods)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
