"""Self-tests of the emulator's volumes: volumeCreate's environmentId (a value, null, or left out = every
environment), one volume per service per environment, reads through environment.volumeInstances, and
deletion by volumeDelete or with the environment or service that holds it."""

from __future__ import annotations

import pytest

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

CREATE = (
    "mutation VolumeCreate($input: VolumeCreateInput!) { volumeCreate(input: $input) { id name projectId } }"
)
DELETE = "mutation VolumeDelete($volumeId: String!) { volumeDelete(volumeId: $volumeId) }"
INSTANCES = """query Environment($id: String!) { environment(id: $id) {
  volumeInstances { edges { node { id volumeId serviceId mountPath state } } } } }"""
ENV_DELETE = "mutation EnvironmentDelete($id: String!) { environmentDelete(id: $id) }"
SERVICE_DELETE = """mutation ServiceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId) }"""


@pytest.fixture
def ids(fake_railway: FakeRailway) -> dict[str, str]:
    seeded = fake_railway.backend.seed_project("cartly", ("staging", "pr-1"), {"postgres": "postgres:16"})
    return {
        "projectId": seeded["project_id"],
        "staging": seeded["environments"]["staging"],
        "preview": seeded["environments"]["pr-1"],
        "serviceId": seeded["services"]["postgres"],
    }


def instances(gql: Gql, environment_id: str) -> list[dict[str, str]]:
    edges = gql.data(INSTANCES, {"id": environment_id})["environment"]["volumeInstances"]["edges"]
    return [edge["node"] for edge in edges]


def create(gql: Gql, ids: dict[str, str], **input: object) -> str:
    base = {
        "projectId": ids["projectId"],
        "serviceId": ids["serviceId"],
        "mountPath": "/var/lib/postgresql/data",
    }
    return str(gql.data(CREATE, {"input": {**base, **input}})["volumeCreate"]["id"])


def test_a_volume_created_for_one_environment_is_mounted_there_only(gql: Gql, ids: dict[str, str]) -> None:
    volume_id = create(gql, ids, environmentId=ids["preview"])
    found = instances(gql, ids["preview"])
    assert len(found) == 1
    assert (found[0]["volumeId"], found[0]["serviceId"]) == (volume_id, ids["serviceId"])
    assert (found[0]["mountPath"], found[0]["state"]) == ("/var/lib/postgresql/data", "READY")
    assert instances(gql, ids["staging"]) == []


def test_leaving_out_the_environment_mounts_it_in_every_environment(gql: Gql, ids: dict[str, str]) -> None:
    create(gql, ids)
    assert (len(instances(gql, ids["staging"])), len(instances(gql, ids["preview"]))) == (1, 1)


def test_a_null_environment_mounts_it_nowhere(gql: Gql, ids: dict[str, str]) -> None:
    create(gql, ids, environmentId=None)
    assert (len(instances(gql, ids["staging"])), len(instances(gql, ids["preview"]))) == (0, 0)


def test_a_second_volume_on_the_same_service_and_environment_is_refused(
    gql: Gql, ids: dict[str, str]
) -> None:
    create(gql, ids, environmentId=ids["preview"])
    base = {"projectId": ids["projectId"], "serviceId": ids["serviceId"], "environmentId": ids["preview"]}
    errors = gql.errors(CREATE, {"input": {**base, "mountPath": "/data"}})
    assert errors == ["Service already has a volume attached"]


def test_a_relative_mount_path_is_refused(gql: Gql, ids: dict[str, str]) -> None:
    base = {"projectId": ids["projectId"], "serviceId": ids["serviceId"], "environmentId": ids["preview"]}
    errors = gql.errors(CREATE, {"input": {**base, "mountPath": "data"}})
    assert errors == ["Invalid mount path data: it must be an absolute path"]


def test_a_deleted_volume_answers_not_found_and_leaves_the_environment(gql: Gql, ids: dict[str, str]) -> None:
    volume_id = create(gql, ids, environmentId=ids["preview"])
    assert gql.data(DELETE, {"volumeId": volume_id}) == {"volumeDelete": True}
    assert instances(gql, ids["preview"]) == []
    assert gql.errors(DELETE, {"volumeId": volume_id}) == ["Volume not found"]


def test_deleting_the_environment_deletes_its_volume(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    volume_id = create(gql, ids, environmentId=ids["preview"])
    gql.data(ENV_DELETE, {"id": ids["preview"]})
    assert fake_railway.backend.volumes[volume_id].deleted_at is not None
    assert gql.errors(DELETE, {"volumeId": volume_id}) == ["Volume not found"]


def test_deleting_the_service_in_a_fork_keeps_the_volume_elsewhere(
    gql: Gql, ids: dict[str, str], fake_railway: FakeRailway
) -> None:
    fork = fake_railway.backend.create_environment(
        {"projectId": ids["projectId"], "name": "pr-2", "sourceEnvironmentId": ids["staging"]}
    )
    volume_id = create(gql, ids)
    gql.data(SERVICE_DELETE, {"id": ids["serviceId"], "environmentId": fork.id})
    assert instances(gql, fork.id) == []
    assert len(instances(gql, ids["staging"])) == 1
    assert fake_railway.backend.volumes[volume_id].deleted_at is None
