"""The real provider process: `python -u -m pulumi.dynamic` driven over gRPC the way the engine drives it.

Proves what direct calls cannot: the providers unpickle from `__provider` in a fresh interpreter, take the
token from Configure (stack config `cartly-infra:railwayToken`, not the environment), survive the gRPC
boundary (numbers arrive as floats), and keep the token out of `__provider`."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_railway.resources.deployment import DeploymentProvider
from pulumi_railway.resources.variables import VariablesProvider
from tests.support.provider_process import provider_process, struct
from tests.support.railway_world import World, configured, seed_world
from tests.support.stack_inventory import add_web_domain

DOMAIN = "staging.cartly.io"
SECRET = "postgres://cartly:hunter2-process@db.internal:5432/cartly"
DIFF_NONE = provider_pb2.DiffResponse.DIFF_NONE
DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME


@pytest.fixture
def world(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    return seed_world(fake_railway)


@pytest.fixture
def stub(world: World) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """The provider process, configured with the token in stack config and none in its environment."""
    env = {k: v for k, v in os.environ.items() if k != "RAILWAY_API_TOKEN"}
    env.update(
        RAILWAY_API_URL=world.fake.url,
        RAILWAY_HEALTH_URL_TEMPLATE=world.fake.health_url_template,
        PULUMI_PROJECT="cartly-infra",
    )
    with provider_process(env) as stub:
        stub.Configure(
            provider_pb2.ConfigureRequest(args=struct({"cartly-infra:railwayToken": world.fake.token}))
        )
        yield stub


def plain(message: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(message))


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:staging::cartly-infra::pulumi-python:dynamic/railway:{kind}::{name}"


def lifecycle(
    stub: Any, kind: str, provider: Any, inputs: dict[str, Any], changed: dict[str, Any]
) -> dict[str, Any]:
    """Check, Create, Read, Diff (same), Diff + Update (changed), Delete, Delete again; what each returned."""
    name = urn(kind, "it")
    news = {**inputs, "__provider": serialize_provider(provider)}
    check = stub.Check(provider_pb2.CheckRequest(urn=name, olds=struct({}), news=struct(news)))
    created = stub.Create(provider_pb2.CreateRequest(urn=name, properties=check.inputs))
    state = plain(created.properties)
    read = stub.Read(provider_pb2.ReadRequest(id=created.id, urn=name, properties=created.properties))
    same = stub.Diff(
        provider_pb2.DiffRequest(id=created.id, urn=name, olds=created.properties, news=check.inputs)
    )
    new_inputs = struct({**news, **changed})
    diff = stub.Diff(
        provider_pb2.DiffRequest(id=created.id, urn=name, olds=created.properties, news=new_inputs)
    )
    updated = stub.Update(
        provider_pb2.UpdateRequest(id=created.id, urn=name, olds=created.properties, news=new_inputs)
    )
    for _ in range(2):
        stub.Delete(provider_pb2.DeleteRequest(id=created.id, urn=name, properties=updated.properties))
    return {
        "failures": list(check.failures),
        "id": created.id,
        "created": state,
        "read_id": read.id,
        "read": plain(read.properties),
        "same": same,
        "diff": diff,
        "updated": plain(updated.properties),
    }


def test_variables_go_through_the_whole_lifecycle_over_grpc(world: World, stub: Any) -> None:
    inputs = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "variables": {"PORT": "3000", "DATABASE_URL": SECRET},
    }
    seen = lifecycle(stub, "Variables", VariablesProvider(), inputs, {"variables": {"PORT": "4000"}})
    assert seen["failures"] == []
    assert seen["created"]["managed_keys"] == ["DATABASE_URL", "PORT"]
    assert seen["read_id"] == seen["id"]
    assert seen["read"]["variables"] == {"PORT": "3000", "DATABASE_URL": SECRET}
    assert (seen["same"].changes, list(seen["same"].replaces)) == (DIFF_NONE, [])
    assert (seen["diff"].changes, list(seen["diff"].replaces)) == (DIFF_SOME, [])
    assert seen["updated"]["managed_keys"] == ["PORT"]
    assert world.stored_variables(world.web_id) == {"PERSON_SET": "set by hand in the dashboard"}
    assert world.backend.count("VariableCollectionUpsert") == 2
    assert all(entry.token_kind == "workspace" for entry in world.backend.requests)


def test_a_deployment_goes_through_the_whole_lifecycle_over_grpc(world: World, stub: Any) -> None:
    add_web_domain(world, DOMAIN)
    inputs = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "revision": "rev-1",
        "health_domain": DOMAIN,
        "health_path": "/health",
        "timeout_seconds": 60,
        "poll_interval_seconds": 0,
        "gate_attempts": 3,
        "gate_interval_seconds": 0,
    }
    seen = lifecycle(stub, "Deployment", DeploymentProvider(), inputs, {"revision": "rev-2"})
    assert seen["failures"] == []
    assert seen["created"]["status"] == "SUCCESS"
    assert seen["read"]["status"] == "SUCCESS"
    assert (seen["same"].changes, list(seen["same"].replaces)) == (DIFF_NONE, [])
    assert (seen["diff"].changes, list(seen["diff"].replaces)) == (DIFF_SOME, [])
    assert world.backend.count("ServiceInstanceDeployV2") == 2
    assert seen["updated"]["deployment_id"] == world.active_deployment_id(world.web_id)


def test_check_failures_cross_the_grpc_boundary_with_property_and_fix(world: World, stub: Any) -> None:
    news = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "variables": {"1BAD": "x"},
        "__provider": serialize_provider(VariablesProvider()),
    }
    check = stub.Check(
        provider_pb2.CheckRequest(urn=urn("Variables", "bad"), olds=struct({}), news=struct(news))
    )
    assert [(f.property, "start with a letter" in f.reason) for f in check.failures] == [("variables", True)]


def test_a_provider_error_reaches_the_engine_without_the_secret(world: World, stub: Any) -> None:
    world.backend.faults.http_status(503, count=100, operation="VariableCollectionUpsert")
    props = {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "variables": {"DATABASE_URL": SECRET},
        "__provider": serialize_provider(VariablesProvider()),
    }
    with pytest.raises(grpc.RpcError) as caught:
        stub.Create(provider_pb2.CreateRequest(urn=urn("Variables", "it"), properties=struct(props)))
    details = str(caught.value.details())
    assert "Unable to create the variables of service" in details
    assert SECRET not in details
    assert world.fake.token not in details


@pytest.mark.parametrize("provider", [VariablesProvider, DeploymentProvider])
def test_the_serialized_provider_never_holds_the_token(world: World, provider: Any) -> None:
    pickled = base64.b64decode(serialize_provider(configured(provider(), world.fake.token)))
    assert len(pickled) > 0
    assert world.fake.token.encode() not in pickled
