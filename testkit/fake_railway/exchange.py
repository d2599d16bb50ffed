"""One GraphQL exchange, transport-free: from a request body and headers to the Answer the server sends.
Order: log the request → Cloudflare edge limit (no query string) → fault plan → token budget → parse and
validate (HTTP 400 on failure) → execute under the backend lock (HTTP 200, GraphQL errors in `errors`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import graphql

from testkit.fake_railway.backend import FakeRailwayBackend
from testkit.fake_railway.faults import DEAD_MESSAGE, Fault
from testkit.fake_railway.mutations import Mutations
from testkit.fake_railway.queries import Queries
from testkit.fake_railway.ratelimit import CLOUDFLARE_429
from testkit.fake_railway.requestlog import LoggedRequest
from testkit.fake_railway.state import GraphQLFailure

HTML = "text/html; charset=UTF-8"
BAD_GATEWAY = {502: b"<html><body><h1>502 Bad Gateway</h1></body></html>", 503: b"upstream connect error"}


@dataclass
class Answer:
    status: int
    body: Any  # JSON-able value, or bytes sent as they are
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    reset: bool = False  # close the connection without answering


class Root(Queries, Mutations):
    """The root value of one request: Query and Mutation resolvers."""


@dataclass
class Request:
    query: str
    variables: dict[str, Any]
    operation_name: str | None
    document: graphql.DocumentNode | None
    syntax_error: graphql.GraphQLError | None = None

    @classmethod
    def parse(cls, body: bytes) -> Request:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {}
        payload = payload if isinstance(payload, dict) else {}
        query = payload.get("query")
        query = query if isinstance(query, str) else ""
        try:
            document: graphql.DocumentNode | None = graphql.parse(query)
            error = None
        except graphql.GraphQLError as exc:
            document, error = None, exc
        variables = payload.get("variables")
        name = payload.get("operationName")
        return cls(
            query,
            variables if isinstance(variables, dict) else {},
            name if isinstance(name, str) else None,
            document,
            error,
        )

    def operation(self) -> graphql.OperationDefinitionNode | None:
        ops = [
            d
            for d in (self.document.definitions if self.document else [])
            if isinstance(d, graphql.OperationDefinitionNode)
        ]
        named = [op for op in ops if self.operation_name and op.name and op.name.value == self.operation_name]
        chosen = named or ops
        return chosen[0] if chosen else None

    def log_entry(self, kind: str | None, now: float, query_string: str) -> LoggedRequest:
        op = self.operation()
        name = self.operation_name or (op.name.value if op and op.name else None)
        roots = (
            tuple(s.name.value for s in op.selection_set.selections if isinstance(s, graphql.FieldNode))
            if op
            else ()
        )
        mutation = op is not None and op.operation == graphql.OperationType.MUTATION
        return LoggedRequest(name, dict(self.variables), kind, mutation, now, query_string, root_fields=roots)


def handle_graphql(
    backend: FakeRailwayBackend,
    schema: graphql.GraphQLSchema,
    body: bytes,
    *,
    query_string: str,
    authorization: str | None,
    project_access_token: str | None,
) -> Answer:
    request = Request.parse(body)
    with backend.lock:
        caller = backend.authenticate(authorization, project_access_token)
        entry = request.log_entry(caller.kind, backend.now(), query_string)
        backend.log(entry)
        if backend.faults.dead:
            entry.status, entry.fault = 200, "dead"
            return Answer(200, {"data": None, "errors": [{"message": DEAD_MESSAGE}]})
        if not query_string and not backend.edge.allow(backend.now()):
            entry.status, entry.fault = 429, "edge"
            return Answer(429, CLOUDFLARE_429.encode(), HTML)
        fault = backend.faults.take(entry.operation_name)
        if fault is not None:
            entry.fault = fault.kind
            early = fault_answer(fault, entry, backend.now(), backend.budget.limit)
            if early is not None:
                entry.status = early.status
                return early
        allowed, headers = backend.budget.spend(
            project_access_token or authorization or "anonymous", backend.now()
        )
        if not allowed:
            entry.status = 429
            message = f"Rate limit exceeded: retry after {headers['Retry-After']} seconds"
            return Answer(429, {"errors": [{"message": message}]}, headers=headers)
        answer = execute(backend, schema, request, Root(backend, caller))
        answer.headers.update(headers)
        entry.status = answer.status
    if fault is not None and fault.kind == "slow":
        answer.delay = fault.seconds
    if fault is not None and fault.kind in ("reset_after_apply", "kill"):
        entry.status, answer.reset = 0, True
    if fault is not None and fault.kind == "kill":
        backend.faults.dead = True
        if backend.faults.on_kill is not None:
            backend.faults.on_kill()
    return answer


def fault_answer(fault: Fault, entry: LoggedRequest, now: float, limit: int) -> Answer | None:
    """The answer a fault gives instead of running the request, or None when the request runs."""
    if fault.kind == "status":
        if fault.status in BAD_GATEWAY:
            return Answer(fault.status, BAD_GATEWAY[fault.status], HTML)
        return Answer(fault.status, {"errors": [{"message": "Internal Server Error"}]})
    if fault.kind == "html_429":
        return Answer(429, CLOUDFLARE_429.encode(), HTML)
    if fault.kind == "rate_limited":
        retry = max(int(fault.seconds), 0)
        headers = {
            "Retry-After": str(retry),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(int(now) + retry),
        }
        return Answer(429, {"errors": [{"message": "Rate limit exceeded"}]}, headers=headers)
    if fault.kind == "problem_processing":
        error = {"message": "Problem processing request", "path": list(entry.root_fields[:1])}
        return Answer(200, {"data": None, "errors": [error]})
    return None


def execute(
    backend: FakeRailwayBackend, schema: graphql.GraphQLSchema, request: Request, root: Root
) -> Answer:
    if request.document is None:
        error = request.syntax_error or graphql.GraphQLError("Must provide query string.")
        return Answer(400, {"errors": [{**error.formatted, "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]})
    errors = graphql.validate(schema, request.document)
    if errors:
        formatted = [{**e.formatted, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}} for e in errors]
        return Answer(400, {"errors": formatted})
    result = graphql.execute(
        schema,
        request.document,
        root_value=root,
        variable_values=request.variables,
        operation_name=request.operation_name,
    )
    if isinstance(result, graphql.ExecutionResult):
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(e) for e in result.errors]
        return Answer(200, body)
    raise TypeError("The emulator's resolvers are synchronous; execute returned an awaitable")


def format_error(error: graphql.GraphQLError) -> dict[str, Any]:
    """Railway's error shape; an unexpected exception in a resolver is a bug in the emulator, so say so."""
    formatted = dict(error.formatted)
    if error.original_error is not None and not isinstance(error.original_error, GraphQLFailure):
        formatted["message"] = f"Emulator bug: {type(error.original_error).__name__}: {error.original_error}"
    return formatted
