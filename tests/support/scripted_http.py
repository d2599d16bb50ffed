"""A local HTTP server that records every request and answers from a script: GitHub's and Slack's APIs.

Each request is kept (method, path, headers, JSON body) in arrival order; the answer is the first scripted
one whose method and path prefix match (used once when `once`), else the default for that path. Not a test
module: tests/tools import it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    method: str
    path_prefix: str
    status: int
    body: Any
    once: bool = False


@dataclass
class Script:
    answers: list[Answer] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on(self, method: str, path_prefix: str, status: int, body: Any, *, once: bool = False) -> None:
        with self.lock:
            self.answers.insert(0, Answer(method, path_prefix, status, body, once))

    def answer(self, method: str, path: str) -> tuple[int, Any]:
        with self.lock:
            for answer in self.answers:
                if answer.method == method and path.startswith(answer.path_prefix):
                    if answer.once:
                        self.answers.remove(answer)
                    return answer.status, answer.body
        return 404, {"message": "Not Found"}

    def posts(self, prefix: str = "/") -> list[Seen]:
        return [s for s in self.seen if s.method == "POST" and s.path.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        script = self.server.script
        with script.lock:
            script.seen.append(Seen("POST", self.path, dict(self.headers), body))
        status, answer = script.answer("POST", self.path)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script


@dataclass(frozen=True)
class Scripted:
    url: str
    script: Script


@pytest.fixture
def scripted_http() -> Iterator[Scripted]:
    script = Script()
    server = _Server(script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Scripted(f"http://127.0.0.1:{server.server_address[1]}", script)
    finally:
        server.shutdown()
        server.server_close()
