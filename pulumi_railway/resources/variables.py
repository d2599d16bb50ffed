"""Variables: the variables one stack manages for one service in one environment (or its shared ones).

Only the keys it manages (`managed_keys`) are touched, not Railway's `RAILWAY_*` nor a person's. Values
stay secret: in outputs, in their digest `values_sha256`, never in an error. Deploying is Deployment's;
name rules, digest and redaction variable_values.py's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.toolkit.checks import check_id, check_ids, check_variables
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    create_or_adopt,
    is_gone,
    project_probe,
    replace_keys,
)
from pulumi_railway.toolkit.variable_values import redact, values_sha256

KEYS = ("project_id", "environment_id", "service_id", "variables")


@dataclass(frozen=True, kw_only=True)
class VariablesArgs:
    project_id: pulumi.Input[str] = field(metadata=REPLACES)
    environment_id: pulumi.Input[str] = field(metadata=REPLACES)
    service_id: pulumi.Input[str] | None = field(default=None, metadata=REPLACES)  # None: shared variables
    variables: pulumi.Input[Mapping[str, pulumi.Input[str]]] = field(repr=False)  # secret values
    # At create only: these variables replace every other the service has there (an environment copied
    # from another inherits its values, which must not outlive the copy). Creation-time: not diffed.
    replace_at_create: pulumi.Input[bool] = False


REPLACE_KEYS = replace_keys(VariablesArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    project_id: str
    environment_id: str
    service_id: str | None
    variables: dict[str, str] = field(repr=False)  # secret values: never in a repr
    managed_keys: tuple[str, ...]

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        variables = {str(k): str(v) for k, v in dict(props.get("variables") or {}).items()}
        managed = props.get("managed_keys")
        return cls(
            project_id=str(props["project_id"]),
            environment_id=str(props["environment_id"]),
            service_id=props.get("service_id") or None,
            variables=variables,
            managed_keys=tuple(sorted(managed if managed is not None else variables)),
        )

    @property
    def scope(self) -> dict[str, Any]:
        return {
            "projectId": self.project_id,
            "environmentId": self.environment_id,
            "serviceId": self.service_id,
        }

    @property
    def where(self) -> str:
        if self.service_id is None:
            return f"the shared variables of environment '{self.environment_id}'"
        return f"the variables of service '{self.service_id}' in environment '{self.environment_id}'"

    @property
    def resource_id(self) -> str:
        return f"{self.project_id}/{self.environment_id}/{self.service_id or 'shared'}"

    def outputs(self, variables: Mapping[str, str] | None = None) -> dict[str, Any]:
        values = dict(self.variables if variables is None else variables)
        return {
            "project_id": self.project_id,
            "environment_id": self.environment_id,
            "service_id": self.service_id,
            "variables": values,
            "managed_keys": list(self.managed_keys),
            "values_sha256": values_sha256(values),
        }


class VariablesProvider(RailwayProvider):
    """Dynamic provider for `Variables`; holds no state (the token arrives through `configure`)."""

    keys, replace_keys = KEYS, REPLACE_KEYS

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [
            *check_ids(news, "project_id", "environment_id"),
            *check_id(news, "service_id", required=False),
            *check_variables(news),
        ]

    def create(self, props: dict[str, Any]) -> CreateResult:
        new = _Props.parse(props)
        with self.client() as client:
            replace = bool(props.get("replace_at_create"))
            _write(client, new, new.variables, removed=(), verb="create", replace=replace)
        return CreateResult(new.resource_id, new.outputs())

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old = _Props.parse(olds)
        new = _Props.parse(news)
        changed = {k: v for k, v in new.variables.items() if old.variables.get(k) != v}
        removed = [k for k in old.managed_keys if k not in new.variables]
        with self.client() as client:
            _write(client, new, changed, removed=removed, verb="update", secrets=old.variables)
        return UpdateResult(new.outputs())

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = _Props.parse(props)
        probe = project_probe(current.project_id)
        found = self.read_live(
            lambda client: _current(client, current), current.where, probe=probe, secrets=current.variables
        )
        if found is None:
            return ReadResult("", {})
        # Only managed keys: a managed key deleted out of band is missing here, so the next diff shows it.
        mine = {k: found[k] for k in current.managed_keys if k in found}
        return ReadResult(id_, current.outputs(mine))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        current = _Props.parse(props)
        with self.client() as client:
            _write(client, current, {}, removed=current.managed_keys, verb="delete")


def _current(client: RailwayClient, props: _Props) -> dict[str, str]:
    data = client.execute(ops.VARIABLES, {**props.scope, "unrendered": True})
    return {str(k): str(v) for k, v in (data.get("variables") or {}).items()}


# ONE `variableCollectionUpsert(skipDeploys: true, replace: false)` per change (only the keys whose value
# changed; `replace: true` once at create if `replace_at_create`), then the deletes of keys removed from the
# program. That order loses nothing when a call fails halfway: a renamed key is written under its new name
# before the old one goes; if a delete fails, the update fails, the state keeps the old `managed_keys`, and
# the next run deletes it again (a key already gone counts as deleted). Sealed variables and `${{ref}}`
# rendering are not handled.
def _write(
    client: RailwayClient,
    props: _Props,
    upserts: Mapping[str, str],
    *,
    removed: tuple[str, ...] | list[str],
    verb: str,
    secrets: Mapping[str, str] | None = None,
    replace: bool = False,
) -> None:
    """Upsert `upserts` in one call (no deploy), then delete `removed`; errors carry no value."""
    hidden = {**(secrets or {}), **props.variables}
    try:
        if upserts:
            _upsert(client, props, upserts, replace)
        for name in removed:
            _delete_key(client, props, name)
    except RailwayError as exc:
        # `from None`: the engine prints the whole chain, and the cause's text is not redacted.
        raise RailwayError(f"Unable to {verb} {props.where}: {redact(str(exc), hidden)}") from None


def _upsert(client: RailwayClient, props: _Props, upserts: Mapping[str, str], replace: bool) -> None:
    def send() -> str:
        variables = {
            "input": {**props.scope, "variables": dict(upserts), "replace": replace, "skipDeploys": True}
        }
        client.execute(ops.VARIABLE_COLLECTION_UPSERT, variables)
        return "written"

    def applied() -> str | None:
        found = _current(client, props)
        if replace:
            return "written" if found == dict(upserts) else None
        return "written" if all(found.get(k) == v for k, v in upserts.items()) else None

    create_or_adopt(applied, send, f"{len(upserts)} variable(s) in {props.where}")


# `variableDelete` has no `skipDeploys`: on real Railway each delete may start a deploy of the service with
# its current settings. That deploy is harmless (it runs what is already configured) but costs a build; the
# Deployment resource still deploys once afterwards because the revision (which hashes the values) changed.
def _delete_key(client: RailwayClient, props: _Props, name: str) -> None:
    def send() -> str:
        try:
            client.execute(ops.VARIABLE_DELETE, {"input": {**props.scope, "name": name}})
        except RailwayError as exc:
            # Railway may answer "Not Authorized" once the service or environment is deleted (API.md §4).
            if not is_gone(exc, probe=lambda: project_probe(props.project_id)(client)):
                raise
        return "deleted"

    def gone() -> str | None:
        return None if name in _current(client, props) else "deleted"

    create_or_adopt(gone, send, f"deletion of variable {name} from {props.where}")


class Variables(pulumi.dynamic.Resource, module="railway", name="Variables"):
    """The variables this stack manages for one service in one environment; values are secret."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    service_id: pulumi.Output[str | None]
    variables: pulumi.Output[dict[str, str]]
    managed_keys: pulumi.Output[list[str]]
    values_sha256: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: VariablesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            "project_id": args.project_id,
            "environment_id": args.environment_id,
            "service_id": args.service_id,
            "variables": pulumi.Output.secret(args.variables),
            "replace_at_create": args.replace_at_create,
            "managed_keys": None,
            "values_sha256": None,
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=["values_sha256"])
        super().__init__(
            VariablesProvider(), resource_name, props, pulumi.ResourceOptions.merge(opts, secret)
        )
