"""What every Railway dynamic provider shares: the token, the client, check/diff, reads, deletes, creates."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pulumi.dynamic import CheckFailure, CheckResult, ConfigureRequest, DiffResult, ResourceProvider

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayMaybeApplied,
    RailwayNotFound,
    RailwayTransientError,
)
from pulumi_railway.api.retry import REAL_TIME, Waits
from pulumi_railway.toolkit.checks import is_unknown
from pulumi_railway.toolkit.variable_values import redact

TOKEN_CONFIG_KEY = "railwayToken"  # noqa: S105 (a config key, project-relative; not a secret)
TOKEN_ENV = "RAILWAY_API_TOKEN"  # noqa: S105 (an env var name)
HEALTH_URL_ENV = "RAILWAY_HEALTH_URL_TEMPLATE"  # e.g. the sandbox: http://127.0.0.1:4000/apps/{domain}{path}
PROVIDER_KEY = "__provider"
T = TypeVar("T")
REPLACES = {"replaces": True}  # Args field metadata: a change of this input replaces the resource
Probe = Callable[[RailwayClient], object]  # a read that proves the token works (see `is_gone`)


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


def project_probe(project_id: str) -> Probe:
    """Reading the project proves the token works: "Not Authorized" on something in it then means gone."""
    return lambda client: client.execute(ops.PROJECT, {"id": project_id})


class RailwayProvider(ResourceProvider):
    """Base of every Railway provider: holds the token only after `configure`, and how to wait.

    The token comes from stack config, else env, and never travels in the pickled provider; neither do the
    waits (real time unless a caller passes others in)."""

    _token: str | None = None
    waits: Waits = REAL_TIME
    keys: tuple[str, ...] = ()  # the inputs the default `diff` compares
    replace_keys: tuple[str, ...] = ()  # those of them whose change replaces the resource

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

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        """What is wrong with the inputs `news` (toolkit/checks.py); `check` answers with it."""
        return []

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, self.failures(news))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_keys(olds, news, self.keys, self.replace_keys)

    def read_live(
        self,
        fetch: Callable[[RailwayClient], T],
        what: str,
        *,
        probe: Probe | None = None,
        secrets: Mapping[str, str] | None = None,
    ) -> T | None:
        """What `fetch` reads, or None when Railway no longer has it (`is_gone`, with `probe`).

        Any other error names `what`; with `secrets` its text is redacted and the cause left out."""
        with self.client() as client:
            try:
                return fetch(client)
            except RailwayError as exc:
                if is_gone(exc, probe=_bound(probe, client)):
                    return None
                if secrets is None:
                    raise fail("read", what, exc) from exc
                # `from None`: the engine prints the whole chain, and the cause's text is not redacted.
                raise RailwayError(f"Unable to read {what}: {redact(str(exc), secrets)}") from None

    def delete_idempotent(
        self, document: str, variables: Mapping[str, Any], what: str, *, probe: Probe | None
    ) -> None:
        """Send a delete, again if it may not have applied; "gone" (`is_gone`) either time is success."""
        with self.client() as client:
            try:
                resend(document, variables)(client)
            except RailwayError as exc:
                if not is_gone(exc, probe=_bound(probe, client)):
                    raise fail("delete", what, exc) from exc

    def attempt(self, verb: str, what: str, work: Callable[[RailwayClient], T]) -> T:
        """`work` with a client; a RailwayError it raises becomes `fail(verb, what, …)`."""
        with self.client() as client:
            try:
                return work(client)
            except RailwayError as exc:
                raise fail(verb, what, exc) from exc


def resend(document: str, variables: Mapping[str, Any]) -> Callable[[RailwayClient], dict[str, Any]]:
    """Work that sends an idempotent mutation, again if it may not have applied (`resend_idempotent`)."""
    return lambda client: resend_idempotent(lambda: client.execute(document, variables))


def _bound(probe: Probe | None, client: RailwayClient) -> Callable[[], object] | None:
    return None if probe is None else lambda: probe(client)


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


def replace_keys(args: type) -> tuple[str, ...]:
    """The inputs of an Args dataclass whose change replaces the resource (fields marked `REPLACES`)."""
    return tuple(f.name for f in dataclasses.fields(args) if f.metadata.get("replaces"))
