"""The Environment provider against the emulator: the acceptance sequence, forks and ephemeral previews,
adoption by name (never deleted), check rules and the local diff."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.environment import EnvironmentProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.fake_time import FakeTime
from tests.support.provider_harness import configured, created_and_deleted, failures, live, provider_fixture

provider = provider_fixture(EnvironmentProvider)


@pytest.fixture
def seeded(fake_railway: FakeRailway) -> dict[str, Any]:
    return fake_railway.backend.seed_project(
        name="cartly-staging",
        environments=("production", "staging"),
        services={"web": "ghcr.io/cartly/web:1"},
    )


def named(fake_railway: FakeRailway, project_id: str, name: str) -> list[Any]:
    envs = live(fake_railway.backend.environments)
    return [e for e in envs if e.project_id == project_id and e.name == name]


def test_starting_to_adopt_a_created_environment_updates_in_place_and_it_stays_ours(
    provider: EnvironmentProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    news = {"project_id": seeded["project_id"], "name": "qa"}
    created = provider.create(news)
    assert len(named(fake_railway, seeded["project_id"], "qa")) == 1
    assert created.outs is not None
    assert (created.outs["environment_id"], created.outs["adopted"]) == (created.id, False)
    adopting = {**news, "adopt": True}
    diff = provider.diff(created.id, created.outs, adopting)
    assert (diff.changes, diff.replaces) == (True, [])
    updated = provider.update(created.id, created.outs, adopting)
    assert updated.outs is not None
    assert (updated.outs["adopt"], updated.outs["adopted"]) == (True, False)


def test_delete_removes_a_created_environment(
    provider: EnvironmentProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    created_and_deleted(provider, {"project_id": seeded["project_id"], "name": "qa"})
    assert named(fake_railway, seeded["project_id"], "qa") == []


def test_a_preview_is_created_ephemeral_from_its_source(
    provider: EnvironmentProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    staging = seeded["environments"]["staging"]
    news = {
        "project_id": seeded["project_id"],
        "name": "pr-42",
        "source_environment_id": staging,
        "ephemeral": True,
    }
    created = provider.create(news)
    env = fake_railway.backend.environments[created.id]
    assert (env.is_ephemeral, env.source_environment_id) == (True, staging)
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert provider.diff(created.id, read.outs, news).changes is False


@pytest.mark.parametrize(("skip", "deploys"), [(True, 0), (False, 1)])
def test_a_copy_deploys_the_copied_services_unless_told_to_skip(
    provider: EnvironmentProvider, fake_railway: FakeRailway, seeded: dict[str, Any], skip: bool, deploys: int
) -> None:
    news = {
        "project_id": seeded["project_id"],
        "name": "pr-42",
        "source_environment_id": seeded["environments"]["staging"],
        "ephemeral": True,
        "skip_initial_deploys": skip,
    }
    created = provider.create(news)
    started = [d for d in live(fake_railway.backend.deployments) if d.environment_id == created.id]
    assert len(started) == deploys
    assert created.outs is not None
    assert provider.diff(created.id, created.outs, news).changes is False


def test_adopt_takes_over_the_environment_of_that_name(
    provider: EnvironmentProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    adopted = provider.create({"project_id": seeded["project_id"], "name": "production", "adopt": True})
    assert fake_railway.backend.count("EnvironmentCreate") == 0
    assert adopted.id == seeded["environments"]["production"]
    assert adopted.outs is not None
    assert adopted.outs["adopted"] is True


def test_an_adopted_environment_is_never_deleted(
    provider: EnvironmentProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    adopted = provider.create({"project_id": seeded["project_id"], "name": "production", "adopt": True})
    assert adopted.outs is not None
    provider.delete(adopted.id, adopted.outs)
    assert fake_railway.backend.count("EnvironmentDelete") == 0
    assert len(named(fake_railway, seeded["project_id"], "production")) == 1


def test_adopting_a_missing_name_says_how_to_fix_it(
    provider: EnvironmentProvider, seeded: dict[str, Any]
) -> None:
    with pytest.raises(
        RailwayError, match=r"Unable to adopt environment 'prod' .*no environment of that name"
    ):
        provider.create({"project_id": seeded["project_id"], "name": "prod", "adopt": True})


def test_a_new_environment_in_a_missing_project_says_which(provider: EnvironmentProvider) -> None:
    with pytest.raises(
        RailwayError, match=r"Unable to create environment 'qa' in project 'nope': .*not found"
    ):
        provider.create({"project_id": "nope", "name": "qa"})


def stored(name: str, source_environment_id: str | None = None, ephemeral: bool = False) -> dict[str, Any]:
    """The state of environment `name` of project p, not adopted."""
    return {
        "project_id": "p",
        "name": name,
        "source_environment_id": source_environment_id,
        "ephemeral": ephemeral,
        "adopt": False,
    }


@pytest.mark.parametrize("key", ["project_id", "source_environment_id", "ephemeral"])
def test_changing_an_identity_input_replaces(provider: EnvironmentProvider, key: str) -> None:
    olds = stored("qa")
    news = {**olds, key: True if key == "ephemeral" else "other"}
    assert provider.diff("e", olds, news).replaces == [key]


def test_replacing_under_the_same_name_deletes_the_old_one_first(provider: EnvironmentProvider) -> None:
    olds = stored("pr-1", source_environment_id="s1", ephemeral=True)
    diff = provider.diff("e", olds, {**olds, "source_environment_id": "s2"})
    assert diff.delete_before_replace is True


def test_replacing_under_a_new_name_creates_the_new_one_first(provider: EnvironmentProvider) -> None:
    olds = stored("pr-1")
    assert provider.diff("e", olds, {**olds, "name": "pr-2"}).delete_before_replace is False


def test_diff_ignores_the_serialized_provider(provider: EnvironmentProvider) -> None:
    olds = {"project_id": "p", "name": "qa", "ephemeral": False, "adopt": False, "__provider": "a"}
    assert provider.diff("e", olds, {"project_id": "p", "name": "qa", "__provider": "b"}).changes is False


def test_an_unknown_project_at_preview_is_a_replacement(provider: EnvironmentProvider) -> None:
    olds = {"project_id": "p", "name": "qa", "ephemeral": False, "adopt": False}
    assert provider.diff("e", olds, {**olds, "project_id": pulumi.output.UNKNOWN}).replaces == ["project_id"]


@pytest.mark.parametrize(
    ("prop", "value", "says"),
    [
        ("project_id", "", "project_id must be a Railway id"),
        ("name", "", "name must be a non-empty name"),
        ("name", "pr 42!", "name must be a non-empty name"),
        ("source_environment_id", "", "source_environment_id must be a Railway id"),
        ("ephemeral", "yes", "ephemeral must be true or false"),
        ("adopt", 1, "adopt must be true or false"),
    ],
)
def test_check_rejects_bad_input_naming_the_property(
    provider: EnvironmentProvider, fake_railway: FakeRailway, prop: str, value: Any, says: str
) -> None:
    found = failures(provider, {"project_id": "p", "name": "qa", prop: value})
    assert list(found) == [prop]
    assert says in found[prop]
    assert fake_railway.backend.count() == 0


def test_check_tolerates_unknown_values(provider: EnvironmentProvider) -> None:
    unknown = pulumi.output.UNKNOWN
    assert (
        failures(provider, {"project_id": unknown, "name": unknown, "source_environment_id": unknown}) == {}
    )


def copy_whose_answer_is_lost(
    fake_railway: FakeRailway, seeded: dict[str, Any], copy_reads: int
) -> tuple[EnvironmentProvider, dict[str, Any]]:
    fake_railway.backend.set_copy_lag(copy_reads)
    fake_railway.backend.faults.reset_after_apply(operation="EnvironmentCreate")
    news = {"project_id": seeded["project_id"], "name": "pr-42"}
    news["source_environment_id"] = seeded["environments"]["staging"]
    return configured(EnvironmentProvider(), fake_railway.token, FakeTime()), news


def test_a_slow_copy_whose_answer_was_lost_is_adopted_only_once_complete(
    fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    provider, news = copy_whose_answer_is_lost(fake_railway, seeded, copy_reads=3)

    created = provider.create(news)

    assert len(named(fake_railway, seeded["project_id"], "pr-42")) == 1
    assert fake_railway.backend.count("EnvironmentCreate") == 1
    copied = fake_railway.backend.live_instances(environment_id=created.id)
    assert [i.service_id for i in copied] == [seeded["services"]["web"]]


def test_a_copy_still_incomplete_after_the_bound_is_an_error_not_a_guess(
    fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    provider, news = copy_whose_answer_is_lost(fake_railway, seeded, copy_reads=1000)

    with pytest.raises(RailwayError, match="not adopted half-copied"):
        provider.create(news)

    assert fake_railway.backend.count("EnvironmentCreate") == 1
    assert len(named(fake_railway, seeded["project_id"], "pr-42")) == 1
