"""A local HTTP server playing the GitHub REST calls an app preview makes: issue comments (list, create,
edit) and deployments with their statuses. It keeps what it was sent, so a test reads back the comments and
deployments as GitHub would show them, and every request in order. `fail` scripts one refusal.
Not a test module: tests import its `fake_github` fixture.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.support.local_http import Respond, serving

REPO = re.compile(r"^/repos/(?P<repo>[^/]+/[^/]+)/(?P<rest>.*)$")


@dataclass
class GitHubState:
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> {issue, body}
    deployments: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> body + statuses
    requests: list[tuple[str, str, Any]] = field(default_factory=list)  # (method, path, body)
    authorizations: list[str] = field(default_factory=list)  # each request's Authorization header
    failures: dict[tuple[str, str], int] = field(default_factory=dict)  # (method, path prefix) -> status
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 100
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> GitHub's pull request

    def pull(self, number: int, *, head_repo: str, sha: str, state: str = "open") -> None:
        self.pulls[number] = {
            "number": number,
            "state": state,
            "head": {"sha": sha, "repo": {"full_name": head_repo}},
        }

    def fail(self, method: str, path_prefix: str, status: int = 500) -> None:
        self.failures[(method, path_prefix)] = status

    def issue_comments(self, issue: int) -> list[str]:
        return [c["body"] for c in self.comments.values() if c["issue"] == issue]

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((method, path, body))
            for (m, prefix), status in list(self.failures.items()):
                if m == method and path.startswith(prefix):
                    del self.failures[(m, prefix)]
                    return status, {"message": "scripted failure"}
            match = REPO.match(path)
            if match is None:
                return 404, {"message": "Not Found"}
            return self._route(method, match.group("rest"), query, body)

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _route(self, method: str, rest: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        parts = rest.split("/")
        page = int(query.get("page", ["1"])[0])
        per_page = int(query.get("per_page", ["30"])[0])
        if parts[0] == "pulls" and len(parts) == 2 and method == "GET":
            pull = self.pulls.get(int(parts[1]))
            return (200, pull) if pull else (404, {"message": "Not Found"})
        if parts[0] == "issues" and len(parts) == 3 and parts[2] == "comments":
            issue = int(parts[1])
            if method == "GET":
                mine = [{"id": i, **c} for i, c in self.comments.items() if c["issue"] == issue]
                return 200, mine[(page - 1) * per_page : page * per_page]
            comment_id = self._new_id()
            self.comments[comment_id] = {"issue": issue, "body": body["body"]}
            return 201, {"id": comment_id}
        if parts[:2] == ["issues", "comments"] and method == "PATCH":
            self.comments[int(parts[2])]["body"] = body["body"]
            return 200, {"id": int(parts[2])}
        if parts == ["deployments"] and method == "POST":
            deployment_id = self._new_id()
            self.deployments[deployment_id] = {**body, "statuses": []}
            return 201, {"id": deployment_id}
        if parts == ["deployments"] and method == "GET":
            environment = query.get("environment", [None])[0]
            found = [{"id": i} for i, d in self.deployments.items() if d["environment"] == environment]
            return 200, found[(page - 1) * per_page : page * per_page]
        if len(parts) == 3 and parts[0] == "deployments" and parts[2] == "statuses":
            self.deployments[int(parts[1])]["statuses"].append(body)
            return 201, {"id": self._new_id()}
        return 404, {"message": "Not Found"}


def _github(state: GitHubState) -> Respond:
    def respond(method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        state.authorizations.append(headers.get("Authorization", ""))
        url = urlparse(path)
        return state.handle(method, url.path, parse_qs(url.query), body)

    return respond


@dataclass(frozen=True)
class FakeGitHub:
    url: str
    state: GitHubState


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    state = GitHubState()
    with serving(_github(state), frozenset({"GET", "POST", "PATCH"})) as url:
        yield FakeGitHub(url, state)
