"""The Railway API's failures as one small exception hierarchy, and the mapping of GraphQL messages onto it.

`graphql_error()` turns a response's `errors` into the most specific class. Nothing here talks HTTP,
decides what is retried (client.py) or sees a token: the client removes it from every message before
raising."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

BODY_LIMIT = 500  # characters of a response body kept on an exception: enough to see the cause, no more

_AUTH_MESSAGES = ("not authorized", "project token not found", "two factor authentication required")
_NOT_FOUND = re.compile(r"\bnot found\b", re.IGNORECASE)
_TRANSIENT_MESSAGES = ("problem processing request",)
# Cool-downs (API.md §3, §8; Terraform provider PR #65): refusals that clear after seconds, nothing applied.
_COOLDOWN = re.compile(
    r"too quickly|try again in a (sec|few)|whoa there|cannot redeploy yet|per \d+ seconds|every \d+ ?s\b",
    re.IGNORECASE,
)


class RailwayError(Exception):
    """Any failure talking to Railway; str() says what failed and on what."""

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses take keyword-only attributes, which Exception's default pickling would drop.
        return _restore, (type(self), self.args, self.__dict__)


class RailwayHTTPError(RailwayError):
    """Railway (or its edge) answered with an HTTP failure: `.status` and the start of `.body`."""

    def __init__(self, message: str, *, status: int, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body[:BODY_LIMIT]


class RailwayRateLimited(RailwayHTTPError):
    """Still rate-limited when the retries ran out; `.retry_after` is Railway's hint in seconds, if any."""

    def __init__(
        self, message: str, *, status: int, body: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status, body=body)
        self.retry_after = retry_after


class RailwayGraphQLError(RailwayError):
    """Railway answered with GraphQL `errors`: the operation's name, each message and each error's path."""

    def __init__(
        self, message: str, *, operation_name: str | None, messages: Sequence[str], paths: Sequence[list[Any]]
    ) -> None:
        super().__init__(message)
        self.operation_name = operation_name
        self.messages = list(messages)
        self.paths = [list(path) for path in paths]


class RailwayAuthError(RailwayGraphQLError):
    """The token was refused: "Not Authorized", "Project Token not found" or 2FA required."""


class RailwayNotFound(RailwayGraphQLError):
    """The object asked for does not exist (any "… not found" message other than a token's)."""


class RailwayTransientError(RailwayGraphQLError):
    """Railway's generic "Problem processing request": worth retrying a query; a mutation may have applied."""


class RailwayCooldown(RailwayGraphQLError):
    """A cool-down ("You are creating services too quickly"): refused, not applied; clears after seconds."""


class RailwayMaybeApplied(RailwayError):
    """A mutation failed in transport after it may have reached Railway, so it was not sent again.

    The caller must look the object up before trying again, or it may create a duplicate.
    """

    def __init__(self, message: str, *, operation_name: str | None) -> None:
        super().__init__(message)
        self.operation_name = operation_name


def _restore(cls: type[RailwayError], args: tuple[Any, ...], state: dict[str, Any]) -> RailwayError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


# Messages are matched case-insensitively, because whether Railway sets `extensions.code` is unverified.
def graphql_error(operation_name: str | None, errors: Sequence[Any]) -> RailwayGraphQLError:
    """The most specific error for a GraphQL `errors` array: auth, not found, cool-down, transient."""
    messages = [_message(error) for error in errors] or ["(Railway sent an empty errors array)"]
    paths = [_path(error) for error in errors]
    lowered = [message.lower() for message in messages]
    cls: type[RailwayGraphQLError] = RailwayGraphQLError
    if any(marker in message for message in lowered for marker in _AUTH_MESSAGES):
        cls = RailwayAuthError
    elif any(_NOT_FOUND.search(message) for message in messages):
        cls = RailwayNotFound
    elif all(_COOLDOWN.search(message) for message in messages):
        cls = RailwayCooldown
    elif all(any(marker in message for marker in _TRANSIENT_MESSAGES) for message in lowered):
        # Only when every message is the generic one: a real error beside it will not go away on retry.
        cls = RailwayTransientError
    return cls(
        describe_graphql_failure(operation_name, messages, paths),
        operation_name=operation_name,
        messages=messages,
        paths=paths,
    )


def describe_graphql_failure(
    operation_name: str | None, messages: Sequence[str], paths: Sequence[list[Any]]
) -> str:
    parts = []
    for message, path in zip(messages, paths, strict=True):
        where = f" (at {'.'.join(str(step) for step in path)})" if path else ""
        parts.append(f"{message}{where}")
    return f"Railway refused {_operation(operation_name)}: " + "; ".join(parts)


def _operation(operation_name: str | None) -> str:
    return f"operation '{operation_name}'" if operation_name else "an anonymous operation"


def _message(error: Any) -> str:
    if isinstance(error, Mapping):
        return str(error.get("message") or "(no message)")
    return str(error)


def _path(error: Any) -> list[Any]:
    path = error.get("path") if isinstance(error, Mapping) else None
    return list(path) if isinstance(path, list) else []
