"""RailwayClient: one GraphQL operation to Railway's public API, sent carefully: auth by token kind, a
timeout, bounded retries honouring Railway's hints, and never a mutation blindly sent twice.

Knows no operation (the document modules hold them), no Pulumi, and no pagination; failures map onto
errors.py."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, NoReturn
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import urllib3

from pulumi_railway.api.auth import TokenAuth
from pulumi_railway.api.document import Operation, describe_operation
from pulumi_railway.api.errors import (
    RailwayCooldown,
    RailwayError,
    RailwayGraphQLError,
    RailwayHTTPError,
    RailwayMaybeApplied,
    RailwayRateLimited,
    RailwayTransientError,
    graphql_error,
)
from pulumi_railway.api.retry import RetryBudget, RetryPolicy, describe_wait, retry_after_seconds

__all__ = ["DEFAULT_ENDPOINT", "RailwayClient", "RetryPolicy", "TokenKind"]

DEFAULT_ENDPOINT = "https://backboard.railway.com/graphql/v2"
SOURCE = "cartly-infra"
TokenKind = Literal["workspace", "account", "project"]

# Statuses answered before Railway acted on the request: safe to send again, mutations included.
_NEVER_APPLIED = frozenset({408, 429, 502, 503})
# Failures on the way to or from Railway; anything else requests raises is a bad request no retry fixes.
_TRANSPORT_FAILURES = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_LOG = logging.getLogger(__name__)


class _Retry(Exception):
    """One attempt failed in a way another attempt may fix; `final` is raised if none is left."""

    def __init__(self, reason: str, final: RailwayError, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final
        self.retry_after = retry_after


# The endpoint always carries a query string, which keeps requests out of Cloudflare's stricter edge limit.
# Retries: exponential backoff with full jitter, honouring Retry-After / X-RateLimit-Reset (a cool-down waits
# longer). A mutation which may have reached Railway is never sent twice: the caller decides what to do after
# RailwayMaybeApplied. The token lives only in the request's auth hook: never in a message, a log line (debug
# level, operation names only), a repr, or a pickle (the client refuses to be pickled).
class RailwayClient:
    """Sends GraphQL documents to Railway and returns their `data`, or raises a RailwayError."""

    def __init__(
        self,
        token: str,
        *,
        token_kind: TokenKind = "workspace",  # noqa: S107 (a kind of token, not a token)
        endpoint: str | None = None,
        timeout: float = 90.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if token_kind not in ("workspace", "account", "project"):
            raise ValueError(f"token_kind must be 'workspace', 'account' or 'project', not {token_kind!r}")
        if not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.endpoint = resolve_endpoint(endpoint)
        self.token_kind: TokenKind = token_kind
        self.timeout = float(timeout)
        self.retry = retry or RetryPolicy()
        self._auth = TokenAuth(token, token_kind)
        self._sleep = sleep
        self._sent = 0
        self._session = requests.Session()
        self._session.headers.update({"Accept": "application/json", "User-Agent": SOURCE})

    def __repr__(self) -> str:
        return f"RailwayClient(endpoint={self.endpoint!r}, token_kind={self.token_kind!r})"

    def __getstate__(self) -> NoReturn:
        raise TypeError(
            "RailwayClient holds a Railway token and is never pickled: build one where it is used"
        )

    def __enter__(self) -> RailwayClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def request_count(self) -> int:
        """HTTP requests this client has sent (attempts that never connected are not counted)."""
        return self._sent

    def execute(
        self, document: str, variables: Mapping[str, Any] | None = None, *, operation_name: str | None = None
    ) -> dict[str, Any]:
        """Run one operation and return its `data`; every failure is a RailwayError (see errors.py)."""
        op = describe_operation(document, operation_name)
        payload: dict[str, Any] = {"query": document, "variables": dict(variables or {})}
        if op.name:
            payload["operationName"] = op.name
        try:
            body = json.dumps(payload).encode()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"The variables of {op.label} cannot be sent as JSON: {exc}") from exc
        try:
            return self._with_retries(op, body)
        except RailwayError as exc:
            self._auth.scrub(exc)
            raise

    def _with_retries(self, op: Operation, body: bytes) -> dict[str, Any]:
        budget = RetryBudget(self.retry.max_total_seconds)
        attempt = 0
        while True:
            attempt += 1
            _LOG.debug("Railway %s: attempt %d", op.label, attempt)
            try:
                return self._read(op, self._send(op, body), attempt)
            except _Retry as retry:
                delay = retry.retry_after if retry.retry_after is not None else self.retry.backoff(attempt)
                if attempt >= self.retry.max_attempts or not budget.allows(delay):
                    final = retry.final
                    final.args = (
                        f"{final.args[0]} (gave up after {attempt} attempt(s) in {budget.spent():.1f} s)",
                    )
                    raise final from retry.__cause__
                _LOG.debug("Railway %s: %s; retrying in %.2f s", op.label, retry.reason, delay)
                budget.sleep(delay, self._sleep)

    def _send(self, op: Operation, body: bytes) -> requests.Response:
        try:
            response = self._session.post(
                self.endpoint,
                data=body,
                headers={"Content-Type": "application/json"},
                auth=self._auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise RailwayError(
                f"Unable to send {op.label} to Railway at {self.endpoint}: TLS failed ({exc}); "
                "check RAILWAY_API_URL and this machine's CA certificates"
            ) from exc
        except _TRANSPORT_FAILURES as exc:
            if failed_before_sending(exc):
                reason = f"could not connect ({type(exc).__name__})"
                final = RailwayError(f"Unable to reach Railway at {self.endpoint} for {op.label}: {exc}")
                raise _Retry(reason, final) from exc
            self._sent += 1
            lost = f"no answer within the {self.timeout:g} s timeout"
            if not isinstance(exc, requests.exceptions.Timeout):
                lost = f"the connection broke after sending ({type(exc).__name__})"
            self._answer_lost(op, lost, cause=exc)
        except requests.exceptions.RequestException as exc:  # a bad URL or header: no retry will fix it
            raise RailwayError(f"Unable to send {op.label} to Railway at {self.endpoint}: {exc}") from exc
        self._sent += 1
        return response

    def _read(self, op: Operation, response: requests.Response, attempt: int) -> dict[str, Any]:
        status = response.status_code
        if status in _NEVER_APPLIED:
            self._never_applied(op, response)
        body = response_json(response)
        errors = body.get("errors") if body is not None else None
        if errors:
            error = graphql_error(op.name, errors if isinstance(errors, list) else [errors])
            if not (status >= 500 and type(error) is RailwayGraphQLError):
                self._graphql_failed(op, error, attempt)
        if status >= 500 or (body is None and status < 300):
            self._answer_lost(op, f"HTTP {status}", http=_http_error(op, response))
        if body is None or status >= 300 or not isinstance(body.get("data"), dict):
            raise _http_error(op, response, " and no GraphQL data")
        return body["data"]

    def _never_applied(self, op: Operation, response: requests.Response) -> NoReturn:
        status = response.status_code
        hint = retry_after_seconds(response.headers, time.time(), use_reset=status == 429)
        if status == 429:
            final: RailwayError = RailwayRateLimited(
                f"Railway rate-limited {op.label} (HTTP 429); {describe_wait(hint, time.time())}",
                status=status,
                body=response.text,
                retry_after=hint,
            )
        else:
            final = _http_error(op, response)
        raise _Retry(f"HTTP {status}", final, retry_after=hint)

    def _graphql_failed(self, op: Operation, error: RailwayGraphQLError, attempt: int) -> NoReturn:
        if isinstance(error, RailwayCooldown):  # refused, so nothing applied: safe for mutations too
            raise _Retry("cool-down", error, retry_after=self.retry.cooldown(attempt))
        if not isinstance(error, RailwayTransientError):
            raise error
        if op.is_mutation:
            error.args = (f"{error.args[0]}; not sent again, because it may have been applied",)
            raise error
        raise _Retry("Problem processing request", error)

    def _answer_lost(
        self,
        op: Operation,
        lost: str,
        *,
        cause: BaseException | None = None,
        http: RailwayError | None = None,
    ) -> NoReturn:
        """The request (may have) reached Railway and its answer is lost: retry a query, never a mutation."""
        if op.is_mutation:
            raise RailwayMaybeApplied(
                f"Mutation {op.quoted} may have been applied by Railway, but its answer was lost ({lost}); "
                "it was not sent again: look the object up before trying again",
                operation_name=op.name,
            ) from cause
        final = http or RailwayError(f"Railway did not answer {op.label} at {self.endpoint}: {lost}")
        raise _Retry(lost, final) from cause


def _http_error(op: Operation, response: requests.Response, what: str = "") -> RailwayHTTPError:
    status = response.status_code
    where = (
        f" (redirected to {response.headers.get('Location')}: set RAILWAY_API_URL to it)"
        if 300 <= status < 400
        else ""
    )
    return RailwayHTTPError(
        f"Railway answered {op.label} with HTTP {status}{what}{where}: {response.text[:200]!r}",
        status=status,
        body=response.text,
    )


def resolve_endpoint(endpoint: str | None) -> str:
    """The URL to POST to: the argument, else env RAILWAY_API_URL, else Railway's; + ?source=cartly-infra."""
    raw = (endpoint or os.environ.get("RAILWAY_API_URL") or DEFAULT_ENDPOINT).strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RailwayError(
            f"The Railway API URL {raw!r} is not an http(s) URL: pass endpoint= or set RAILWAY_API_URL "
            f"to one like {DEFAULT_ENDPOINT}"
        )
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "source"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("source", SOURCE)])))


def failed_before_sending(exc: requests.exceptions.RequestException) -> bool:
    """True when the request never left: connection refused, DNS failure, connect timeout."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError)


def response_json(response: requests.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None for anything else (Cloudflare's HTML, a truncated body, a list)."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
