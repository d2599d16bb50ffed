"""The Project provider against the emulator: the acceptance sequence, adoption (never deleted), check rules
and the local diff."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.project import ProjectProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import configured, created_and_deleted, failures, live, provider_fixture

provider = provider_fixture(ProjectProvider)


def inputs(**overrides: Any) -> dict[str, Any]:
    return {"name": "cartly-staging", "description": "Cartly staging", **overrides}


def test_a_created_project_reports_its_id_and_default_environment(
    provider: ProjectProvider, fake_railway: FakeRailway
) -> None:
    created = provider.create(inputs())
    assert len(live(fake_railway.backend.projects)) == 1
    assert created.outs is not None
    assert created.outs["project_id"] == created.id
    assert (
        created.outs["default_environment_id"]
        == fake_railway.backend.projects[created.id].base_environment_id
    )


def test_delete_removes_a_created_project(provider: ProjectProvider, fake_railway: FakeRailway) -> None:
    created_and_deleted(provider, inputs())
    assert live(fake_railway.backend.projects) == []
    assert fake_railway.backend.count("ProjectDelete") == 1


def test_read_reports_a_rename_made_outside_pulumi(
    provider: ProjectProvider, fake_railway: FakeRailway
) -> None:
    created = provider.create(inputs())
    assert created.outs is not None
    fake_railway.backend.projects[created.id].name = "renamed-by-hand"
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["name"] == "renamed-by-hand"
    assert provider.diff(created.id, read.outs, inputs()).changes is True


def test_a_created_project_starts_with_the_named_default_environment(
    provider: ProjectProvider, fake_railway: FakeRailway
) -> None:
    created = provider.create(inputs(default_environment_name="staging"))
    assert created.outs is not None
    envs = [e for e in live(fake_railway.backend.environments) if e.project_id == created.id]
    assert [(e.name, e.id) for e in envs] == [("staging", created.outs["default_environment_id"])]


def test_the_default_environment_name_is_creation_time_only(provider: ProjectProvider) -> None:
    olds = {**inputs(default_environment_name="staging"), "project_id": "p-1", "adopted": False}
    assert provider.diff("p-1", olds, inputs(default_environment_name="qa")).changes is False


def test_adopting_takes_over_an_existing_project_without_creating(
    provider: ProjectProvider, fake_railway: FakeRailway
) -> None:
    seeded = fake_railway.backend.seed_project(
        name="cartly-production", environments=("production", "staging")
    )
    adopted = provider.create({"name": "cartly-production", "project_id": seeded["project_id"]})
    assert fake_railway.backend.count("ProjectCreate") == 0
    assert len(live(fake_railway.backend.projects)) == 1
    assert adopted.id == seeded["project_id"]
    assert adopted.outs is not None
    assert adopted.outs["adopted"] is True
    assert adopted.outs["default_environment_id"] == seeded["environments"]["production"]


def test_an_adopted_project_is_never_deleted(provider: ProjectProvider, fake_railway: FakeRailway) -> None:
    seeded = fake_railway.backend.seed_project(name="cartly-production")
    adopted = provider.create({"name": "cartly-production", "project_id": seeded["project_id"]})
    assert adopted.outs is not None
    provider.delete(adopted.id, adopted.outs)
    assert fake_railway.backend.count("ProjectDelete") == 0
    assert len(live(fake_railway.backend.projects)) == 1


def test_adopting_applies_the_programs_name(provider: ProjectProvider, fake_railway: FakeRailway) -> None:
    seeded = fake_railway.backend.seed_project(name="old-name")
    provider.create({"name": "cartly-production", "project_id": seeded["project_id"]})
    assert fake_railway.backend.projects[seeded["project_id"]].name == "cartly-production"


def test_adopting_a_missing_project_says_which(provider: ProjectProvider, fake_railway: FakeRailway) -> None:
    with pytest.raises(RailwayError, match=r"Unable to adopt project 'cartly' \(nope\): .*not found"):
        provider.create({"name": "cartly", "project_id": "nope"})


def test_a_refused_token_fails_saying_what_without_showing_the_token(fake_railway: FakeRailway) -> None:
    provider = configured(ProjectProvider(), "wrong-token-0123456789")
    with pytest.raises(RailwayError) as caught:
        provider.create(inputs())
    assert str(caught.value).startswith("Unable to create project 'cartly-staging': ")
    assert "Not Authorized" in str(caught.value)
    assert "wrong-token-0123456789" not in str(caught.value)
    assert fake_railway.backend.count("ProjectCreate") == 0


def test_naming_the_workspace_it_is_already_in_is_no_change(
    provider: ProjectProvider, fake_railway: FakeRailway
) -> None:
    created = provider.create(inputs())
    assert created.outs is not None
    assert created.outs["workspace_id"] == fake_railway.workspace_id
    same = provider.diff(created.id, created.outs, inputs(workspace_id=fake_railway.workspace_id))
    assert same.changes is False


def test_a_different_adopt_id_replaces(provider: ProjectProvider) -> None:
    olds = {**inputs(), "project_id": "p-1", "adopted": True}
    assert provider.diff("p-1", olds, inputs(project_id="p-2")).replaces == ["project_id"]


def test_the_same_adopt_id_is_no_change(provider: ProjectProvider) -> None:
    olds = {**inputs(), "project_id": "p-1", "adopted": True}
    assert provider.diff("p-1", olds, inputs(project_id="p-1")).changes is False


def test_a_created_project_without_adopt_id_is_no_change(provider: ProjectProvider) -> None:
    olds = {**inputs(), "project_id": "p-1", "adopted": False}
    assert provider.diff("p-1", olds, inputs()).changes is False


def test_diff_ignores_the_serialized_provider(provider: ProjectProvider) -> None:
    olds = {**inputs(), "project_id": "p-1", "__provider": "a"}
    assert provider.diff("p-1", olds, {**inputs(), "__provider": "b"}).changes is False


def test_an_unknown_name_at_preview_is_a_change(provider: ProjectProvider) -> None:
    olds = {**inputs(), "project_id": "p-1"}
    assert provider.diff("p-1", olds, inputs(name=pulumi.output.UNKNOWN)).changes is True


@pytest.mark.parametrize(
    ("prop", "value", "says"),
    [
        ("name", "", "name must be a non-empty name"),
        ("name", "cartly/staging", "name must be a non-empty name"),
        ("workspace_id", "", "workspace_id must be a Railway id"),
        ("description", "", "description must be a non-empty string"),
        ("project_id", " ", "project_id must be a Railway id"),
        ("default_environment_name", "", "default_environment_name must be a non-empty name"),
    ],
)
def test_check_rejects_bad_input_naming_the_property(
    provider: ProjectProvider, fake_railway: FakeRailway, prop: str, value: Any, says: str
) -> None:
    found = failures(provider, inputs(**{prop: value}))
    assert list(found) == [prop]
    assert says in found[prop]
    assert fake_railway.backend.count() == 0


def test_check_tolerates_unknown_values(provider: ProjectProvider) -> None:
    unknown = pulumi.output.UNKNOWN
    assert failures(provider, {"name": unknown, "workspace_id": unknown, "project_id": unknown}) == {}


def test_check_accepts_good_input(provider: ProjectProvider) -> None:
    assert failures(provider, inputs(workspace_id="ws-1")) == {}
