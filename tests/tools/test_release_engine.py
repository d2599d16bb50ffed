"""The release tool against the Railway emulator, through the engine-like mock that keeps state across runs:
a release deploys exactly its digest, the same digest twice changes nothing, an infra-only run keeps the
digest that runs, a failed release rolls back and is not redeployed by the next infra run, and a new stack's
first deploy still resolves its tag."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.release_engine import EngineStacks
from tests.tools.release_fixtures import REPOSITORY, argv, valid
from tools import release

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64


@pytest.fixture
def stacks(fake_railway: FakeRailway) -> EngineStacks:
    found = EngineStacks(fake_railway.token)
    first = found.infra_up("staging")
    assert first.ok, first.errors
    return found


def release_digest(stacks: EngineStacks, digest: str, tmp_path: Path) -> int:
    values = valid("staging", image=f"{REPOSITORY}@{digest}")
    options = [f"--summary-file={tmp_path / 'summary.md'}"]
    return release.main([*argv("run", values), *options], stacks=stacks, env={"PULUMI_BACKEND_URL": "mock"})


def running_images(fake: FakeRailway, stacks: EngineStacks) -> dict[str, str]:
    outputs = stacks.engine("staging").outputs
    env = outputs["railwayEnvironmentId"]
    found = {}
    for role, service in outputs["railwayServiceIds"].items():
        active = fake.backend.active_deployment(service, env)
        assert active is not None, role
        found[role] = active.meta["image"]
    return found


def mutations(fake: FakeRailway, start: int) -> list[Any]:
    return [entry for entry in list(fake.backend.requests)[start:] if entry.is_mutation]


def test_a_new_stacks_first_deploy_resolves_its_tag(fake_railway: FakeRailway, stacks: EngineStacks) -> None:
    tag_digest = "sha256:" + hashlib.sha256(f"{REPOSITORY}:staging".encode()).hexdigest()
    assert stacks.running_digest("staging") == tag_digest
    assert running_images(fake_railway, stacks) == {"web": f"{REPOSITORY}@{tag_digest}"} | {
        "worker": f"{REPOSITORY}@{tag_digest}"
    }


def test_a_release_deploys_exactly_the_given_digest(
    fake_railway: FakeRailway, stacks: EngineStacks, tmp_path: Path
) -> None:
    assert release_digest(stacks, D1, tmp_path) == 0
    assert running_images(fake_railway, stacks) == {
        "web": f"{REPOSITORY}@{D1}",
        "worker": f"{REPOSITORY}@{D1}",
    }
    assert stacks.running_digest("staging") == D1
    summary = (tmp_path / "summary.md").read_text()
    assert "release succeeded" in summary
    # The stack's deployChecks reach the report: both services' summaries of this release's deploys.
    assert summary.count(" passed its checks") == 2
    assert "- duration: passed" in summary


def test_the_same_digest_twice_changes_nothing(
    fake_railway: FakeRailway, stacks: EngineStacks, tmp_path: Path
) -> None:
    assert release_digest(stacks, D1, tmp_path) == 0
    start = len(fake_railway.backend.requests)
    assert release_digest(stacks, D1, tmp_path) == 0
    assert mutations(fake_railway, start) == []
    _, _, last = stacks.runs[-1]
    assert len(last.operations) == 14
    assert last.ops("same") == sorted(name for _, name in last.operations)


def test_an_infra_only_run_after_a_release_keeps_the_released_digest(
    fake_railway: FakeRailway, stacks: EngineStacks, tmp_path: Path
) -> None:
    assert release_digest(stacks, D1, tmp_path) == 0
    start = len(fake_railway.backend.requests)
    again = stacks.infra_up("staging")
    assert again.ok, again.errors
    assert mutations(fake_railway, start) == []
    assert stacks.running_digest("staging") == D1


def test_a_failing_gate_rolls_back_reports_it_and_exits_1(
    fake_railway: FakeRailway, stacks: EngineStacks, tmp_path: Path
) -> None:
    assert release_digest(stacks, D1, tmp_path) == 0
    fake_railway.backend.set_health(stacks.engine("staging").outputs["healthDomain"], False)
    assert release_digest(stacks, D2, tmp_path) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "release rolled back" in summary
    assert "pinned again" in summary
    # Read back from the failed run's error: web's summary, breached and rolled back.
    assert summary.count("SEV-2: deployment ") == 1
    assert "- deploy: breached [SEV-2]" in summary
    assert running_images(fake_railway, stacks)["web"] == f"{REPOSITORY}@{D1}"
    assert stacks.running_digest("staging") == D1
    assert fake_railway.backend.count("DeploymentRollback") == 1


def test_a_rolled_back_release_is_not_redeployed_by_the_next_infra_run(
    fake_railway: FakeRailway, stacks: EngineStacks, tmp_path: Path
) -> None:
    assert release_digest(stacks, D1, tmp_path) == 0
    domain = stacks.engine("staging").outputs["healthDomain"]
    fake_railway.backend.set_health(domain, False)
    assert release_digest(stacks, D2, tmp_path) == 1
    fake_railway.backend.set_health(domain, True)
    start = len(fake_railway.backend.requests)
    again = stacks.infra_up("staging")
    assert again.ok, again.errors
    assert [e for e in mutations(fake_railway, start) if "serviceInstanceDeployV2" in e.root_fields] == []
    assert running_images(fake_railway, stacks) == {
        "web": f"{REPOSITORY}@{D1}",
        "worker": f"{REPOSITORY}@{D1}",
    }
