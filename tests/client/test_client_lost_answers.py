"""A request that reached Railway but whose answer was lost: a query is sent again, a mutation never is.

Rule protected: re-sending a mutation that Railway may already have applied can create a duplicate project,
environment or service, so after a read timeout, a connection reset after sending, a 500, a 504 or
"Problem processing request" the client raises (RailwayMaybeApplied / RailwayTransientError) and the
caller looks the object up. Timeouts and resets come from a real stdlib HTTP server on 127.0.0.1, so what
is proven is what `requests` really does; the server counts the requests that reached it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import responses

from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayMaybeApplied, RailwayTransientError

TOKEN = "tok-0123456789abcdef"
QUERY = "query Project($id: String!) { project(id: $id) { id } }"
MUTATION = "mutation ProjectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { id } }"
CLIENT_TIMEOUT = 0.2  # seconds: the "slow" answer below never comes in time


class Loopback(ThreadingHTTPServer):
    """Answers each POST with the next scripted action: "ok", "slow" (no answer in time) or "reset"."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.actions: list[str] = []
        self.received: list[str] = []  # operationName of every request that reached the server
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/graphql/v2"

    def handle_error(self, request: object, client_address: object) -> None:
        """Broken connections are what these tests cause: nothing to report."""


class _Handler(BaseHTTPRequestHandler):
    server: Loopback

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append(body.get("operationName"))
        action = self.server.actions.pop(0) if self.server.actions else "ok"
        if action == "slow":
            self.server.release.wait(timeout=5)
            self.close_connection = True
            return
        if action == "reset":
            # SO_LINGER 0 makes close() send RST: the client sees "connection reset by peer" after sending.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        answer = json.dumps({"data": {"project": {"id": "p1"}, "projectCreate": {"id": "p1"}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # the reset above closed the socket under us
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test asserts on `received`, not on an access log."""


@pytest.fixture
def server() -> Iterator[Loopback]:
    loopback = Loopback()
    thread = threading.Thread(target=loopback.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield loopback
    loopback.release.set()
    loopback.shutdown()
    loopback.server_close()


def make_client(url: str, sleeps: list[float]) -> RailwayClient:
    return RailwayClient(TOKEN, endpoint=url, timeout=CLIENT_TIMEOUT, sleep=sleeps.append)


# --- Over a real socket -----------------------------------------------------------------------------------


def test_a_mutation_is_not_sent_again_after_a_read_timeout(server: Loopback) -> None:
    server.actions = ["slow"]
    sleeps: list[float] = []

    with pytest.raises(RailwayMaybeApplied, match="may have been applied") as caught:
        make_client(server.url, sleeps).execute(MUTATION, {"input": {"name": "cartly-staging"}})

    assert server.received == ["ProjectCreate"]
    assert sleeps == []
    assert caught.value.operation_name == "ProjectCreate"


def test_the_maybe_applied_error_tells_the_caller_to_look_the_object_up(server: Loopback) -> None:
    server.actions = ["slow"]

    with pytest.raises(RailwayMaybeApplied) as caught:
        make_client(server.url, []).execute(MUTATION, {"input": {"name": "cartly-staging"}})

    message = str(caught.value)
    assert "Mutation 'ProjectCreate'" in message
    assert "no answer within the 0.2 s timeout" in message
    assert "it was not sent again: look the object up before trying again" in message


def test_a_query_is_sent_again_after_a_read_timeout(server: Loopback) -> None:
    server.actions = ["slow", "ok"]
    sleeps: list[float] = []

    data = make_client(server.url, sleeps).execute(QUERY, {"id": "p1"})

    assert server.received == ["Project", "Project"]
    assert len(sleeps) == 1
    assert data["project"] == {"id": "p1"}


def test_a_mutation_is_not_sent_again_after_the_connection_resets_after_sending(server: Loopback) -> None:
    server.actions = ["reset"]

    with pytest.raises(RailwayMaybeApplied, match="the connection broke after sending"):
        make_client(server.url, []).execute(MUTATION, {"input": {"name": "cartly-staging"}})

    assert server.received == ["ProjectCreate"]


def test_a_query_is_sent_again_after_the_connection_resets_after_sending(server: Loopback) -> None:
    server.actions = ["reset", "ok"]

    data = make_client(server.url, []).execute(QUERY, {"id": "p1"})

    assert server.received == ["Project", "Project"]
    assert data["project"] == {"id": "p1"}


def test_a_lost_answer_still_counts_as_a_request_sent(server: Loopback) -> None:
    server.actions = ["slow"]
    client = make_client(server.url, [])

    with pytest.raises(RailwayMaybeApplied):
        client.execute(MUTATION, {"input": {"name": "cartly-staging"}})

    assert client.request_count() == 1


# --- Answers that may follow an applied mutation ----------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "body": "Internal Server Error"},
        {"status": 504, "body": "Gateway Timeout"},
        {"status": 200, "body": "<html>not json</html>"},
    ],
    ids=["500", "504", "non-json-200"],
)
def test_a_mutation_answered_with_a_server_failure_is_maybe_applied_and_not_resent(
    answer: dict[str, object],
) -> None:
    url = "https://railway.test/graphql/v2"
    with responses.RequestsMock() as api:
        api.post(url, **answer)

        with pytest.raises(RailwayMaybeApplied, match=f"HTTP {answer['status']}"):
            make_client(url, []).execute(MUTATION, {"input": {"name": "cartly-staging"}})

        assert len(api.calls) == 1


def test_a_mutation_answered_problem_processing_request_is_transient_and_not_resent() -> None:
    url = "https://railway.test/graphql/v2"
    with responses.RequestsMock() as api:
        api.post(url, json={"data": None, "errors": [{"message": "Problem processing request"}]})

        with pytest.raises(RailwayTransientError, match="not sent again, because it may have been applied"):
            make_client(url, []).execute(MUTATION, {"input": {"name": "cartly-staging"}})

        assert len(api.calls) == 1
