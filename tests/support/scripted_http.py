"""A local HTTP server that records every request and answers from a script: GitHub's and Slack's APIs.
Not a test module: tests/tools import its `scripted_http` fixture."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.local_http import Respond, serving


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
    """Each request kept (method, path, headers, JSON body) in arrival order; the answer is the newest
    scripted one whose method and path prefix match (used once when `once`), else 404."""

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


def _recorded(script: Script) -> Respond:
    def respond(method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        with script.lock:
            script.seen.append(Seen(method, path, headers, body))
        return script.answer(method, path)

    return respond


@dataclass(frozen=True)
class Scripted:
    url: str
    script: Script


@pytest.fixture
def scripted_http() -> Iterator[Scripted]:
    script = Script()
    with serving(_recorded(script), frozenset({"POST"})) as url:
        yield Scripted(url, script)
