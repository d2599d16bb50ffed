"""ProjectToken: a Railway token scoped to one environment of one project, for that environment's CI."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError, RailwayMaybeApplied, RailwayTransientError
from pulumi_railway.toolkit.checks import check_ids, check_name
from pulumi_railway.toolkit.ownership import owner_of
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    fail,
    is_gone,
    project_probe,
    replace_keys,
)

KEYS = ("project_id", "environment_id", "name")


@dataclass(frozen=True, kw_only=True)
class ProjectTokenArgs:
    project_id: pulumi.Input[str] = field(metadata=REPLACES)
    environment_id: pulumi.Input[str] = field(metadata=REPLACES)
    name: pulumi.Input[str] = field(metadata=REPLACES)
    owner: pulumi.Input[str] | None = None
    """Who makes it (toolkit/ownership.py); set by `ProjectToken` itself from the stack and resource name."""


REPLACE_KEYS = replace_keys(ProjectTokenArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    project_id: str
    environment_id: str
    name: str
    owner: str | None = None

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        owner = props.get("owner")
        return cls(
            str(props["project_id"]),
            str(props["environment_id"]),
            str(props["name"]),
            str(owner) if owner else None,
        )

    @property
    def railway_name(self) -> str:
        """The name in Railway: unique to the stack, the resource and its inputs (so to one generation)."""
        if not self.owner:
            return self.name
        inputs = "\n".join((self.project_id, self.environment_id, self.name))
        return f"{self.name} [{self.owner} {hashlib.sha256(inputs.encode()).hexdigest()[:8]}]"

    @property
    def what(self) -> str:
        return f"project token '{self.name}' for environment '{self.environment_id}'"

    def outputs(self, token: str, token_id: str) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "environment_id": self.environment_id,
            "name": self.name,
            "owner": self.owner,
            "railway_name": self.railway_name,
            "token": token,
            "token_id": token_id,
        }


class ProjectTokenProvider(RailwayProvider):
    """Dynamic provider for `ProjectToken`; holds no state, and never the minted token."""

    keys, replace_keys = KEYS, REPLACE_KEYS

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [*check_ids(news, "project_id", "environment_id"), *check_name(news, "name")]

    def create(self, props: dict[str, Any]) -> CreateResult:
        new = _Props.parse(props)
        try:
            with self.client() as client:
                if new.owner:  # a token of this name is one a crashed create minted: nobody has it
                    for stray in _tokens_named(client, new):
                        _revoke(client, stray, new.project_id)
                try:
                    token = _mint(client, new)
                except (RailwayMaybeApplied, RailwayTransientError):
                    for stray in _tokens_named(client, new):
                        _revoke(client, stray, new.project_id)
                    token = _mint(client, new)
                try:
                    token_id = _identify(client, new, token)
                except RailwayError as exc:
                    # A live token Pulumi cannot record: say so, or nobody knows to revoke it.
                    fix = (
                        "the next run revokes it before minting another"
                        if new.owner
                        else "revoke it in Railway (project settings, Tokens) before running again"
                    )
                    raise RailwayError(
                        "the token was minted but its id could not be read, so it is live and not recorded: "
                        f"the token named '{new.railway_name}'; {fix} ({exc})"
                    ) from exc
        except RailwayError as exc:
            raise fail("create", new.what, exc) from exc
        return CreateResult(token_id, new.outputs(token, token_id))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = _Props.parse(props)
        ids = self.read_live(
            lambda client: [node["id"] for node in _tokens(client, current.project_id)], current.what
        )
        if ids is None or id_ not in ids:
            return ReadResult("", {})
        return ReadResult(id_, current.outputs(str(props.get("token") or ""), id_))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Railway may answer "Not Authorized" for a token already revoked (API.md §4).
        current = _Props.parse(props)
        probe = project_probe(current.project_id)
        self.delete_idempotent(ops.PROJECT_TOKEN_DELETE, {"id": id_}, current.what, probe=probe)


def _mint(client: RailwayClient, props: _Props) -> str:
    data = client.execute(
        ops.PROJECT_TOKEN_CREATE,
        {
            "input": {
                "projectId": props.project_id,
                "environmentId": props.environment_id,
                "name": props.railway_name,
            }
        },
    )
    return str(data["projectTokenCreate"])


def _own_id(workspace_client: RailwayClient, token: str) -> str:
    """The id of `token`, asked with the token itself: the only query that maps a token to its id."""
    with RailwayClient(
        token,
        token_kind="project",  # noqa: S106 (a token kind, not a secret)
        endpoint=workspace_client.endpoint,
        timeout=workspace_client.timeout,
        retry=workspace_client.retry,
    ) as client:
        data = client.execute(ops.PROJECT_TOKEN)
    return str(data["projectToken"]["id"])


def _identify(client: RailwayClient, props: _Props, token: str) -> str:
    """The minted token's id: asked with the token itself, else the newest token of that name and scope."""
    try:
        return _own_id(client, token)
    except RailwayError:
        named = [n for n in _tokens(client, props.project_id) if _same_scope(n, props)]
        if not named:
            raise
        return str(max(named, key=lambda n: str(n.get("createdAt") or ""))["id"])


def _same_scope(node: Mapping[str, Any], props: _Props) -> bool:
    return node.get("name") == props.railway_name and node.get("environmentId") == props.environment_id


def _tokens(client: RailwayClient, project_id: str) -> list[dict[str, Any]]:
    data = client.execute(ops.PROJECT_TOKENS, {"projectId": project_id, "first": 500})
    return [dict(edge["node"]) for edge in data["projectTokens"]["edges"]]


def _tokens_named(client: RailwayClient, props: _Props) -> list[str]:
    return [str(node["id"]) for node in _tokens(client, props.project_id) if _same_scope(node, props)]


def _revoke(client: RailwayClient, token_id: str, project_id: str) -> None:
    try:
        client.execute(ops.PROJECT_TOKEN_DELETE, {"id": token_id})
    except RailwayError as exc:
        # Railway may answer "Not Authorized" for a token already revoked (API.md §4).
        if not is_gone(exc, probe=lambda: project_probe(project_id)(client)):
            raise


class ProjectToken(pulumi.dynamic.Resource, module="railway", name="ProjectToken"):
    """A token for one environment's CI; `token` is a secret output; replaced (rotated) on any change."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    name: pulumi.Output[str]
    token: pulumi.Output[str]
    token_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: ProjectTokenArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            "project_id": args.project_id,
            "environment_id": args.environment_id,
            "name": args.name,
            "owner": args.owner or owner_of(resource_name),
            "railway_name": None,
            "token": None,
            "token_id": None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=["token"])
        super().__init__(
            ProjectTokenProvider(), resource_name, props, pulumi.ResourceOptions.merge(opts, secret)
        )
