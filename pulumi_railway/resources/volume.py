"""Volume: a persistent volume mounted on one service in one environment.

Every input is creation-time: a change replaces the volume, and a replaced volume starts empty. A volume
whose environment is gone reads and deletes as gone. Sizes, backups and regions are Railway's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.toolkit.checks import check_ids, failure, is_unknown
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    create_or_adopt,
    diff_keys,
    fail,
    paginate,
    project_probe,
    replace_keys,
)

INPUT_KEYS = ("project_id", "environment_id", "service_id", "mount_path")


@dataclass(frozen=True, kw_only=True)
class VolumeArgs:
    project_id: pulumi.Input[str] = field(metadata=REPLACES)
    environment_id: pulumi.Input[str] = field(metadata=REPLACES)
    """The one environment the volume is deployed into."""
    service_id: pulumi.Input[str] = field(metadata=REPLACES)
    mount_path: pulumi.Input[str] = field(metadata=REPLACES)
    """Absolute path in the service's container, e.g. /var/lib/postgresql/data."""


REPLACE_KEYS = replace_keys(VolumeArgs)  # every input: a volume is never changed in place


@dataclass(frozen=True)
class _Props:
    project_id: str
    environment_id: str
    service_id: str
    mount_path: str

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        return cls(**{key: str(props[key]) for key in INPUT_KEYS})

    @property
    def what(self) -> str:
        where = f"service '{self.service_id}' in environment '{self.environment_id}'"
        return f"volume at {self.mount_path} of {where}"


def _check_mount_path(news: Mapping[str, Any]) -> list[CheckFailure]:
    value = news.get("mount_path")
    if is_unknown(value) or (isinstance(value, str) and value.startswith("/") and value.strip() == value):
        return []
    return [failure("mount_path", f"mount_path must be an absolute path like /data; got {value!r}")]


class VolumeProvider(RailwayProvider):
    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [*check_ids(news, "project_id", "environment_id", "service_id"), *_check_mount_path(news)]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # The old volume goes first: a service holds one volume per environment.
        return diff_keys(olds, news, INPUT_KEYS, REPLACE_KEYS, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        p = _Props.parse(props)
        # Always the environment id: left out, Railway deploys the volume into every environment of the
        # project (its schema says so).
        payload = {
            "projectId": p.project_id,
            "environmentId": p.environment_id,
            "serviceId": p.service_id,
            "mountPath": p.mount_path,
        }

        with self.client() as client:

            def create() -> str:
                return str(client.execute(ops.VOLUME_CREATE, {"input": payload})["volumeCreate"]["id"])

            try:
                # A run killed after its create left the volume there: take it over, never make a second.
                volume_id = _find(client, p) or create_or_adopt(lambda: _find(client, p), create, p.what)
            except RailwayError as exc:
                raise fail("create", p.what, exc) from exc
        return CreateResult(volume_id, _outputs(p, volume_id))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        p = _Props.parse(props)
        found = self.read_live(
            lambda client: _instance(client, p, lambda inst: inst.get("volumeId") == id_),
            f"{p.what} ({id_})",
            probe=project_probe(p.project_id),
        )
        if found is None:
            return ReadResult("", {})
        live = _Props(p.project_id, p.environment_id, str(found.get("serviceId")), str(found["mountPath"]))
        outs = _outputs(live, id_)
        return ReadResult(id_, outs, {key: outs[key] for key in INPUT_KEYS})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        raise RailwayError("Volume has no updatable input: every change replaces it")  # diff never asks

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        p = _Props.parse(props)
        probe = project_probe(p.project_id)
        self.delete_idempotent(ops.VOLUME_DELETE, {"volumeId": id_}, f"{p.what} ({id_})", probe=probe)


def _instance(client: RailwayClient, p: _Props, match: Any) -> dict[str, Any] | None:
    """The environment's live volume instance that `match` picks, or None."""
    nodes = paginate(client, ops.ENVIRONMENT_VOLUMES, {"id": p.environment_id}, "environment.volumeInstances")
    found = [node for node in nodes if not node.get("deletedAt") and match(node)]
    return found[0] if found else None


def _find(client: RailwayClient, p: _Props) -> str | None:
    """The volume a lost create made: this service's, at this path, in this environment."""
    found = _instance(
        client,
        p,
        lambda inst: inst.get("serviceId") == p.service_id and inst.get("mountPath") == p.mount_path,
    )
    return str(found["volumeId"]) if found else None


def _outputs(p: _Props, volume_id: str) -> dict[str, Any]:
    return {
        "project_id": p.project_id,
        "environment_id": p.environment_id,
        "service_id": p.service_id,
        "mount_path": p.mount_path,
        "volume_id": volume_id,
    }


class Volume(pulumi.dynamic.Resource, module="railway", name="Volume"):
    """A persistent volume mounted on one service in one environment."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    service_id: pulumi.Output[str]
    mount_path: pulumi.Output[str]
    volume_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: VolumeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {**vars(args), "volume_id": None}
        super().__init__(VolumeProvider(), resource_name, props, opts)
