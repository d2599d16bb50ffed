"""Environment: create one in a project (optionally a copy, ephemeral), or adopt one by name and never delete
it.

Name, project, source or ephemerality change → replace (a renamed environment is a different environment to
every stack that references it). What lives inside it (services, settings, variables) is not this module's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.api.retry import Waits
from pulumi_railway.toolkit.checks import check_bool, check_id, check_name
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    create_or_adopt,
    diff_keys,
    drop_none,
    fail,
    paginate,
    project_probe,
    replace_keys,
)

INPUT_KEYS = ("project_id", "name", "source_environment_id", "ephemeral", "adopt")
COPY_READS = 13  # reads of a copy whose create answer was lost, before it is called incomplete
COPY_POLL_SECONDS = 10.0  # 2 minutes in all: the CLI waits 90 s for a copy


@dataclass(frozen=True, kw_only=True)
class EnvironmentArgs:
    project_id: pulumi.Input[str] = field(metadata=REPLACES)
    name: pulumi.Input[str] = field(metadata=REPLACES)
    source_environment_id: pulumi.Input[str] | None = field(default=None, metadata=REPLACES)
    """Create as a copy of this environment (its services, settings and variables)."""
    ephemeral: pulumi.Input[bool] = field(default=False, metadata=REPLACES)
    """A PR-preview environment (`Environment.isEphemeral`)."""
    adopt: pulumi.Input[bool] = False
    """Take over the project's existing environment of this name instead of creating one; never deleted."""
    skip_initial_deploys: pulumi.Input[bool] = False
    """A copy deploys none of the copied services (Railway deploys them all otherwise). Creation-time only."""


REPLACE_KEYS = replace_keys(EnvironmentArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    project_id: str
    name: str
    source_environment_id: str | None
    ephemeral: bool
    adopt: bool

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        return cls(
            project_id=props["project_id"],
            name=props["name"],
            source_environment_id=props.get("source_environment_id"),
            ephemeral=bool(props.get("ephemeral")),
            adopt=bool(props.get("adopt")),
        )

    @property
    def what(self) -> str:
        return f"environment '{self.name}' in project '{self.project_id}'"


class EnvironmentProvider(RailwayProvider):
    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [
            *check_id(news, "project_id"),
            *check_name(news, "name"),
            *check_id(news, "source_environment_id", required=False),
            *check_bool(news, "ephemeral"),
            *check_bool(news, "adopt"),
            *check_bool(news, "skip_initial_deploys"),
        ]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old = {**olds, "ephemeral": bool(olds.get("ephemeral")), "adopt": bool(olds.get("adopt"))}
        new = {**news}
        for key in ("ephemeral", "adopt"):
            if new.get(key) is None:
                new[key] = False
        # Same name in the same project: the old environment must go first, or Railway may refuse the
        # duplicate name and a lookup by name after a lost answer would find the old one.
        same_place = all(old.get(key) == new.get(key) for key in ("project_id", "name"))
        return diff_keys(old, new, INPUT_KEYS, REPLACE_KEYS, delete_before_replace=same_place)

    def create(self, props: dict[str, Any]) -> CreateResult:
        p = _Props.parse(props)
        with self.client() as client:
            if p.adopt:
                return CreateResult(*_adopt(client, p))
            payload = drop_none(
                projectId=p.project_id,
                name=p.name,
                sourceEnvironmentId=p.source_environment_id,
                ephemeral=p.ephemeral or None,
                skipInitialDeploys=bool(props.get("skip_initial_deploys")) or None,
            )

            def create() -> str:
                created = client.execute(ops.ENVIRONMENT_CREATE, {"input": payload})["environmentCreate"]
                return str(created["id"])

            def lookup() -> str | None:  # a copy can outlast the timeout: adopt it only once complete
                return _find_copied(client, p, self.waits) if p.source_environment_id else _find(client, p)

            try:
                environment_id = _made_here(client, p, self.waits) or create_or_adopt(lookup, create, p.what)
            except RailwayError as exc:
                raise fail("create", p.what, exc) from exc
        return CreateResult(environment_id, _outputs(p, environment_id, adopted=False))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        p = _Props.parse(props)
        env = self.read_live(
            lambda client: client.execute(ops.ENVIRONMENT, {"id": id_, "projectId": p.project_id})[
                "environment"
            ],
            f"{p.what} ({id_})",
            probe=project_probe(p.project_id),
        )
        if env is None or env.get("deletedAt"):
            return ReadResult("", {})
        source = (env.get("sourceEnvironment") or {}).get("id")
        live = _Props(
            project_id=env["projectId"],
            name=env["name"],
            # An adopted environment's origin is not ours to manage: keep what the program said.
            source_environment_id=p.source_environment_id if p.adopt else source,
            ephemeral=p.ephemeral if p.adopt else bool(env.get("isEphemeral")),
            adopt=p.adopt,
        )
        outs = _outputs(live, id_, adopted=bool(props.get("adopted")))
        return ReadResult(id_, outs, {key: outs[key] for key in INPUT_KEYS})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        # Only `adopt` can change in place, and it changes nothing on Railway: what was created stays
        # ours to delete, what was adopted stays never deleted.
        return UpdateResult(_outputs(_Props.parse(news), id_, adopted=bool(olds.get("adopted"))))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if props.get("adopted"):
            return  # adopted, so not ours to delete: destroy only lets go of it
        p = _Props.parse(props)
        probe = project_probe(p.project_id)
        self.delete_idempotent(ops.ENVIRONMENT_DELETE, {"id": id_}, f"{p.what} ({id_})", probe=probe)


def _adopt(client: RailwayClient, p: _Props) -> tuple[str, dict[str, Any]]:
    try:
        found = _find(client, p)
    except RailwayError as exc:
        raise fail("adopt", p.what, exc) from exc
    if found is None:
        raise RailwayError(
            f"Unable to adopt {p.what}: the project has no environment of that name; "
            "fix the name, or create it with adopt=False"
        )
    return found, _outputs(p, found, adopted=True)


# A create first looks for an environment of that name: Railway keeps no free field on an environment for an
# owner marker, so its shape is the marker (the same source and ephemerality this resource asks for, e.g. an
# ephemeral fork of staging named after one preview); that one is what a crashed create made and is taken over
# as created, any other is refused, naming it. A copy can take longer than the client's timeout (API.md §8),
# so one found is taken over only once it has every service of its source, never half-copied.
def _made_here(client: RailwayClient, p: _Props, waits: Waits) -> str | None:
    """The environment of this name a crashed create of this resource made, else None (none of that name).

    Raises when the environment of that name has another shape: someone else's, not to be taken over."""
    found = _find(client, p)
    if found is None:
        return None
    env = client.execute(ops.ENVIRONMENT, {"id": found, "projectId": p.project_id})["environment"]
    source = (env.get("sourceEnvironment") or {}).get("id")
    if bool(env.get("isEphemeral")) == p.ephemeral and source == p.source_environment_id:
        return _when_copied(client, p, found, waits) if source else found
    raise RailwayError(
        f"an environment named '{p.name}' ({found}) already exists in project '{p.project_id}' and is not "
        f"what this resource makes (ephemeral={bool(env.get('isEphemeral'))}, copied from "
        f"{source or 'nothing'}), "
        "so another stack or a person made it; adopt it with `adopt=True`, or rename or delete it"
    )


def _find(client: RailwayClient, p: _Props) -> str | None:
    envs = paginate(client, ops.ENVIRONMENTS, {"projectId": p.project_id}, "environments")
    ids = [str(env["id"]) for env in envs if env["name"] == p.name and not env.get("deletedAt")]
    return ids[0] if ids else None


def _find_copied(client: RailwayClient, p: _Props, waits: Waits) -> str | None:
    """The copy a lost create made, once complete (`_when_copied`); None when there is none of that name."""
    found = _find(client, p)
    return None if found is None else _when_copied(client, p, found, waits)


def _when_copied(client: RailwayClient, p: _Props, found: str, waits: Waits) -> str:
    """`found` once it has every service of its source (read up to COPY_READS times, COPY_POLL_SECONDS
    apart); a copy still incomplete then is an error, never taken over half-copied."""
    wanted = _service_ids(client, str(p.source_environment_id))
    for attempt in range(COPY_READS):
        if attempt:
            waits.sleep(COPY_POLL_SECONDS)
        if wanted <= _service_ids(client, found):
            return found
    raise RailwayError(
        f"Railway may still be copying environment '{p.source_environment_id}' as {p.what}: after "
        f"{COPY_READS * COPY_POLL_SECONDS:g} s the environment {found} still lacks some of the source's "
        "services, so it was not adopted half-copied. Check it in Railway's dashboard: delete it and run "
        "`pulumi up` again"
    )


def _service_ids(client: RailwayClient, environment_id: str) -> set[str]:
    data = client.execute(ops.ENVIRONMENT_SERVICE_INSTANCES, {"id": environment_id})
    return {str(edge["node"]["serviceId"]) for edge in data["environment"]["serviceInstances"]["edges"]}


def _outputs(p: _Props, environment_id: str, *, adopted: bool) -> dict[str, Any]:
    return {
        "project_id": p.project_id,
        "name": p.name,
        "source_environment_id": p.source_environment_id,
        "ephemeral": p.ephemeral,
        "adopt": p.adopt,
        "environment_id": environment_id,
        "adopted": adopted,
    }


class Environment(pulumi.dynamic.Resource, module="railway", name="Environment"):
    """A Railway environment, created here (deleted with the resource) or adopted by name (never deleted)."""

    project_id: pulumi.Output[str]
    name: pulumi.Output[str]
    source_environment_id: pulumi.Output[str | None]
    ephemeral: pulumi.Output[bool]
    adopt: pulumi.Output[bool]
    environment_id: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self, resource_name: str, args: EnvironmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {**vars(args), "environment_id": None, "adopted": None}
        super().__init__(EnvironmentProvider(), resource_name, props, opts)
