"""What every Railway dynamic provider shares: the token, the client, check/diff helpers, safe creates.

The token comes from stack config `<project>:railwayToken`, else env `RAILWAY_API_TOKEN`, and never travels
in the pickled provider; neither do the waits (real time unless a caller passes others in).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider

from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayMaybeApplied,
    RailwayNotFound,
    RailwayTransientError,
)
from pulumi_railway.api.retry import REAL_TIME, Waits
from pulumi_railway.toolkit.checks import (
    REGIONS,
    RESTART_POLICIES,
    check_bool,
    check_choice,
    check_id,
    check_image,
    check_int,
    check_name,
    check_string,
    failure,
    is_unknown,
)

TOKEN_CONFIG_KEY = "railwayToken"  # noqa: S105 (a config key, project-relative; not a secret)
TOKEN_ENV = "RAILWAY_API_TOKEN"  # noqa: S105 (an env var name)
HEALTH_URL_ENV = "RAILWAY_HEALTH_URL_TEMPLATE"  # e.g. the sandbox: http://127.0.0.1:4000/apps/{domain}{path}
PROVIDER_KEY = "__provider"
T = TypeVar("T")

__all__ = [  # the validators are re-exported so every provider imports its toolkit from one place
    "PROVIDER_KEY",
    "REGIONS",
    "RESTART_POLICIES",
    "RailwayProvider",
    "check_bool",
    "check_choice",
    "check_id",
    "check_image",
    "check_int",
    "check_name",
    "check_string",
    "create_or_adopt",
    "diff_keys",
    "drop_none",
    "fail",
    "failure",
    "health_url",
    "is_gone",
    "is_unknown",
    "paginate",
    "railway_token",
    "resend_idempotent",
]


def railway_token(config: ConfigureRequest | None) -> str:
    """The Railway token: stack config `<project>:railwayToken`, else env `RAILWAY_API_TOKEN`."""
    token = config.config.get(TOKEN_CONFIG_KEY) if config is not None else None
    token = token or os.environ.get(TOKEN_ENV)
    if not token:
        raise RailwayError(
            "No Railway token: set it with `pulumi config set --secret railwayToken <token>` "
            f"or export {TOKEN_ENV} (a workspace token)"
        )
    return str(token)


def health_url(domain: str, path: str) -> str:
    """The health URL: `https://{domain}{path}`, or env RAILWAY_HEALTH_URL_TEMPLATE formatted with both."""
    template = os.environ.get(HEALTH_URL_ENV)
    return template.format(domain=domain, path=path) if template else f"https://{domain}{path}"


class RailwayProvider(ResourceProvider):
    """Base of every Railway provider: holds the token only after `configure`, and how to wait."""

    _token: str | None = None
    waits: Waits = REAL_TIME

    def __init__(self, *, waits: Waits | None = None) -> None:
        if waits is not None:
            self.waits = waits

    def configure(self, req: ConfigureRequest) -> None:
        self._token = railway_token(req)

    def client(self) -> RailwayClient:
        token = self._token or railway_token(None)
        return RailwayClient(token, sleep=self.waits.sleep)

    def __getstate__(self) -> dict[str, Any]:
        # configure() runs after unpickling, so the token never travels in `__provider`; nor do the waits.
        return {k: v for k, v in self.__dict__.items() if k not in ("_token", "waits")}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def diff_keys(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    keys: Iterable[str],
    replace_keys: Iterable[str],
    *,
    delete_before_replace: bool = False,
) -> DiffResult:
    """Local diff over `keys` (never `__provider`); unknown new values count as changed."""
    changed = [
        key
        for key in keys
        if key != PROVIDER_KEY and (is_unknown(news.get(key)) or olds.get(key) != news.get(key))
    ]
    replaces = [key for key in changed if key in set(replace_keys)]
    return DiffResult(
        changes=bool(changed),
        replaces=replaces,
        stables=[],
        delete_before_replace=delete_before_replace and bool(replaces),
    )


def create_or_adopt(lookup: Callable[[], str | None], create: Callable[[], str], what: str) -> str:
    """Create once; if the create may have been applied, adopt what it made instead of creating twice.

    `lookup` finds the object by name in its parent (None when absent); `what` names it for errors,
    e.g. "service 'web' in environment 'staging'".
    """
    try:
        return create()
    except (RailwayMaybeApplied, RailwayTransientError) as first:
        found = lookup()
        if found:
            return found
        try:
            return create()
        except RailwayError as exc:
            raise RailwayError(f"Unable to create {what} (retried after: {first}): {exc}") from exc


def resend_idempotent(send: Callable[[], T]) -> T:
    """Send an idempotent mutation (settings, upserts); if it may not have applied, send it once more."""
    try:
        return send()
    except (RailwayMaybeApplied, RailwayTransientError):
        return send()


def is_gone(exc: RailwayError, probe: Callable[[], object] | None = None) -> bool:
    """Does this error mean the object no longer exists?

    "… not found" does. "Not Authorized" does when `probe` (a read of the parent that proves the
    token works) succeeds: Railway answers that for objects deleted since; otherwise it is a real
    auth failure and the caller should re-raise.
    """
    if isinstance(exc, RailwayNotFound):
        return True
    if isinstance(exc, RailwayAuthError) and probe is not None:
        if not any("not authorized" in message.lower() for message in exc.messages):
            return False
        try:
            probe()
        except RailwayError:
            return False
        return True
    return False


def fail(verb: str, what: str, exc: Exception) -> RailwayError:
    """The error to raise (`raise fail(...) from exc`): what failed and on what, then the cause."""
    return RailwayError(f"Unable to {verb} {what}: {exc}")


def drop_none(**values: Any) -> dict[str, Any]:
    """The keys to send: Railway unsets a field sent as null, so an unmanaged (None) one is left out."""
    return {key: value for key, value in values.items() if value is not None}


def paginate(client: RailwayClient, document: str, variables: Mapping[str, Any], field: str) -> list[Any]:
    """Every node of a connection query (`edges{node}` and `pageInfo{hasNextPage endCursor}`).

    `field` is the connection's path in the answer, dotted when nested: "projects", "project.services".
    """
    nodes: list[Any] = []
    after = None
    while True:
        page = client.execute(document, drop_none(**variables, first=100, after=after))
        for key in field.split("."):
            page = page[key]
        nodes.extend(edge["node"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
