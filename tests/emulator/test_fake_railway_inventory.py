"""Self-tests of the kill fault (apply, drop the answer, refuse everything until revive) and of the
inventory a test asserts "nothing duplicated, nothing orphaned" with."""

from __future__ import annotations

import pytest
import requests

from testkit.fake_railway.faults import DEAD_MESSAGE
from testkit.fake_railway.gql import Gql
from testkit.fake_railway.inventory import inventory
from testkit.fake_railway.pytest_plugin import FakeRailway

PROJECT_CREATE = "mutation ProjectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { id } }"
PROJECTS = "query Projects { projects { edges { node { id name } } } }"


def test_a_kill_applies_the_mutation_drops_the_answer_and_refuses_all_else(
    gql: Gql, fake_railway: FakeRailway
) -> None:
    killed: list[bool] = []
    fake_railway.backend.faults.kill("ProjectCreate", on_kill=lambda: killed.append(True))
    with pytest.raises(requests.ConnectionError):
        gql.post(PROJECT_CREATE, {"input": {"name": "p"}})
    assert killed == [True]
    assert gql.errors(PROJECT_CREATE, {"input": {"name": "q"}}) == [DEAD_MESSAGE]
    assert gql.errors(PROJECTS) == [DEAD_MESSAGE]
    assert [row.name for row in inventory(fake_railway.backend).of("project")] == ["p"]

    fake_railway.backend.faults.revive()
    assert len(gql.data(PROJECTS)["projects"]["edges"]) == 1


def test_the_inventory_lists_live_objects_and_every_deployment(fake_railway: FakeRailway) -> None:
    backend = fake_railway.backend
    ids = backend.seed_project(name="cartly", environments=("staging",), services={"web": "img", "db": None})
    env_id = ids["environments"]["staging"]
    web = ids["services"]["web"]
    first = backend.deploy(web, env_id, "test")
    backend.tick(3)
    second = backend.deploy(web, env_id, "test")
    backend.delete_out_of_band("service", ids["services"]["db"])

    found = inventory(backend)

    assert found.counts() == {"project": 1, "environment": 1, "service": 1, "instance": 1}
    assert [row.name for row in found.of("service")] == ["web"]
    assert [d.id for d in found.deployments] == [first.id, second.id]
    active = found.active(web, env_id)
    assert active is not None
    assert active.id == first.id
    assert found.duplicates() == []


def test_duplicates_names_objects_sharing_kind_name_and_parent(fake_railway: FakeRailway) -> None:
    backend = fake_railway.backend
    backend.seed_project(name="cartly")
    backend.seed_project(name="cartly")
    backend.seed_project(name="other")

    duplicates = inventory(backend).duplicates()

    assert len(duplicates) == 2
    assert {row.name for row in duplicates} == {"cartly"}
