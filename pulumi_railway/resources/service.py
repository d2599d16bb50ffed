"""Service: a project's named service, created with its first variables, or adopted by name (never deleted).

Name and icon change in place; a project change replaces it. `image`, `variables`, `environment_id` and
`adopt` are creation-time, not diffed: the image is ServiceInstance's, the variables are Variables'."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError, RailwayNotFound
from pulumi_railway.toolkit.checks import (
    check_bool,
    check_ids,
    check_image,
    check_name,
    check_string,
    failure,
    is_unknown,
)
from pulumi_railway.toolkit.ownership import owner_in, owner_of, stack_of
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    create_or_adopt,
    drop_none,
    fail,
    paginate,
    project_probe,
    replace_keys,
    resend,
    resend_idempotent,
)
from pulumi_railway.toolkit.variable_values import redact

INPUT_KEYS = ("project_id", "environment_id", "name", "image", "icon", "variables", "adopt", "owner")
DIFF_KEYS = ("project_id", "name", "icon")


@dataclass(frozen=True, kw_only=True)
class ServiceArgs:
    project_id: pulumi.Input[str] = field(metadata=REPLACES)
    environment_id: pulumi.Input[str]
    """The environment the service is created in (and deleted from)."""
    name: pulumi.Input[str]
    image: pulumi.Input[str]
    """The image it is meant to run (recorded, not sent at creation); ServiceInstance sets it."""
    icon: pulumi.Input[str] | None = None
    variables: pulumi.Input[Mapping[str, pulumi.Input[str]]] = field(default_factory=dict, repr=False)
    """Variables it is created with (secret values: never in a repr); afterwards Variables manages them."""
    adopt: pulumi.Input[bool] = False
    """Take over the project's existing service of this name (never deleted); create it when there is none."""
    owner: pulumi.Input[str] | None = None
    """Who makes it (toolkit/ownership.py); set by `Service` itself from the stack and resource name."""


REPLACE_KEYS = replace_keys(ServiceArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    project_id: str
    environment_id: str
    name: str
    image: str
    icon: str | None
    variables: dict[str, str] = field(repr=False)  # secret values: never in a repr
    adopt: bool
    owner: str | None = None

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        values: dict[str, Any] = {key: props.get(key) for key in INPUT_KEYS}
        return cls(**{**values, "variables": dict(values["variables"] or {}), "adopt": bool(values["adopt"])})

    @property
    def what(self) -> str:
        return f"service '{self.name}' in environment '{self.environment_id}'"


def _check_variables(news: Mapping[str, Any]) -> list[CheckFailure]:
    variables = news.get("variables")
    if variables is None or is_unknown(variables):
        return []
    if not isinstance(variables, Mapping):
        return [failure("variables", "variables must be a map of variable name to string value")]
    bad = [
        str(name) for name, value in variables.items() if not isinstance(value, str) and not is_unknown(value)
    ]
    # Only names in the message: the values are secrets.
    return (
        [failure("variables", f"variables {', '.join(sorted(bad))} must have string values")] if bad else []
    )


class ServiceProvider(RailwayProvider):
    keys, replace_keys = DIFF_KEYS, REPLACE_KEYS

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [
            *check_ids(news, "project_id", "environment_id"),
            *check_name(news, "name"),
            *check_image(news, "image", pinned=False, required=True),
            *check_string(news, "icon"),
            *_check_variables(news),
            *check_bool(news, "adopt"),
        ]

    def create(self, props: dict[str, Any]) -> CreateResult:
        p = _Props.parse(props)
        with self.client() as client:
            found = _adopt(client, p) if p.adopt else None
            if found is not None:
                return CreateResult(found, _outputs(p, found, adopted=True))
            try:
                made = _made_here(client, p) if p.owner else None
                if made is not None:
                    return CreateResult(made, _outputs(p, made, adopted=False))
                service_id = create_or_adopt(lambda: _find(client, p), lambda: _create(client, p), p.what)
            except RailwayError as exc:
                # A refusal may quote the variables sent: redacted, raised outside the handler (no chain).
                refused = RailwayError(f"Unable to create {p.what}: {redact(str(exc), p.variables)}")
            else:
                return CreateResult(service_id, _outputs(p, service_id, adopted=False))
        raise refused from None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        p = _Props.parse(props)
        service = self.read_live(
            lambda client: client.execute(ops.SERVICE, {"id": id_})["service"],
            f"{p.what} ({id_})",
            probe=project_probe(p.project_id),
        )
        if service is None or service.get("deletedAt"):
            return ReadResult("", {})
        live = _Props(
            project_id=service["projectId"],
            environment_id=p.environment_id,
            name=service["name"],
            image=p.image,
            icon=service.get("icon") if p.icon is not None else None,
            variables=p.variables,
            adopt=p.adopt,
            owner=p.owner,
        )
        outs = _outputs(live, id_, adopted=bool(props.get("adopted")))
        return ReadResult(id_, outs, {key: outs[key] for key in INPUT_KEYS})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        p = _Props.parse(news)
        payload = drop_none(name=p.name, icon=p.icon)
        if p.icon is None and olds.get("icon") is not None:
            payload["icon"] = None  # no longer managed: unset what we set
        self.attempt("update", f"{p.what} ({id_})", resend(ops.SERVICE_UPDATE, {"id": id_, "input": payload}))
        return UpdateResult(_outputs(p, id_, adopted=bool(olds.get("adopted"))))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if props.get("adopted"):
            return  # adopted, so not ours to delete: destroy only lets go of it
        p = _Props.parse(props)
        variables = {"id": id_, "environmentId": p.environment_id}
        probe = project_probe(p.project_id)
        self.delete_idempotent(ops.SERVICE_DELETE, variables, f"{p.what} ({id_})", probe=probe)


# `serviceCreate` gets the initial variables (secret) and always the environment id (without one Railway
# applies it to every non-fork environment), but no source: with an image Railway deploys at once, before the
# registry credentials can be set, so a private image's first deploy fails to pull (API.md §8).
# ServiceInstance sets the image and credentials, then Deployment deploys. A refused create's error has its
# variable values redacted.
def _create(client: RailwayClient, p: _Props) -> str:
    payload = drop_none(
        projectId=p.project_id,
        environmentId=p.environment_id,
        name=p.name,
        icon=p.icon,
        variables=p.variables or None,
    )  # no source: Railway would deploy it at once, before the instance has its registry credentials
    return str(client.execute(ops.SERVICE_CREATE, {"input": payload})["serviceCreate"]["id"])


def _named(client: RailwayClient, p: _Props) -> dict[str, Any] | None:
    """The project's live service of this name: the one to adopt, or the one a lost create made."""
    services = paginate(client, ops.PROJECT_SERVICES, {"id": p.project_id}, "project.services")
    found = [s for s in services if s["name"] == p.name and not s.get("deletedAt")]
    return found[0] if found else None


def _find(client: RailwayClient, p: _Props) -> str | None:
    found = _named(client, p)
    return str(found["id"]) if found else None


def _made_here(client: RailwayClient, p: _Props) -> str | None:
    """The service of this name a crashed create of this stack made, else None (nothing of that name).

    Services carry no marker, so the project does: in a project this stack made, a service of this
    name is this stack's. Anywhere else it is someone else's, and the create is refused."""
    found = _named(client, p)
    if found is None:
        return None
    project = client.execute(ops.PROJECT, {"id": p.project_id})["project"]
    maker = owner_in(project.get("description"))
    if (maker is not None and stack_of(maker) == stack_of(str(p.owner))) or _in_own_copy(client, p, found):
        return str(found["id"])
    raise RailwayError(
        f"a service named '{p.name}' ({found['id']}) already exists in project '{p.project_id}', which this "
        f"stack ({stack_of(str(p.owner))}) did not make; adopt it with `adopt=True`, or rename or delete it"
    )


def _in_own_copy(client: RailwayClient, p: _Props, found: Mapping[str, Any]) -> bool:
    """Is `found` in an ephemeral environment named after this stack (a preview's copy, made by this stack:
    the name is its marker)? A service created there exists there only."""
    env = client.execute(ops.ENVIRONMENT, {"id": p.environment_id})["environment"]
    if not env.get("isEphemeral") or env.get("name") != stack_of(str(p.owner)).rsplit("/", 1)[-1]:
        return False
    ids = {"serviceId": found["id"], "environmentId": p.environment_id}
    try:
        return not client.execute(ops.SERVICE_INSTANCE, ids)["serviceInstance"].get("deletedAt")
    except RailwayNotFound:
        return False


def _adopt(client: RailwayClient, p: _Props) -> str | None:
    """Take over the existing service as it is, but for a given, different icon; None when there is none."""
    try:
        found = _named(client, p)
        if found is not None and p.icon is not None and found.get("icon") != p.icon:
            payload = {"id": found["id"], "input": {"icon": p.icon}}
            resend_idempotent(lambda: client.execute(ops.SERVICE_UPDATE, payload))
    except RailwayError as exc:
        raise fail("adopt", p.what, exc) from exc
    return str(found["id"]) if found is not None else None


def _outputs(p: _Props, service_id: str, *, adopted: bool) -> dict[str, Any]:
    return {
        "project_id": p.project_id,
        "environment_id": p.environment_id,
        "name": p.name,
        "image": p.image,
        "icon": p.icon,
        "variables": p.variables,  # same key as the secret input, so it stays secret
        "adopt": p.adopt,
        "owner": p.owner,
        "service_id": service_id,
        "adopted": adopted,
    }


class Service(pulumi.dynamic.Resource, module="railway", name="Service"):
    """A Railway service in a project, created with its image and initial variables, or adopted by name."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    name: pulumi.Output[str]
    image: pulumi.Output[str]
    icon: pulumi.Output[str | None]
    variables: pulumi.Output[Mapping[str, str]]
    adopt: pulumi.Output[bool]
    service_id: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self, resource_name: str, args: ServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Secret whatever the caller passed: variable values are credentials.
        variables = pulumi.Output.secret(args.variables)
        props: dict[str, Any] = {**vars(args), "variables": variables, "service_id": None, "adopted": None}
        props["owner"] = args.owner or owner_of(resource_name)
        super().__init__(ServiceProvider(), resource_name, props, opts)
