"""The real-engine benchmark, run once and asserted: what staging and a preview cost Railway when the real
Pulumi CLI runs the program against the emulator (benchmarks/real_engine.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.real_engine import MOCK, Measured, report, run_scenarios
from testkit.real_engine import NoCli, find_cli

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]

DEPLOY = "serviceInstanceDeployV2"


@pytest.fixture(scope="module")
def measured() -> dict[str, Measured]:
    try:
        cli_dir: Path = find_cli()
    except NoCli as exc:
        pytest.skip(f"real-engine benchmark: {exc} (run scripts/pulumi-cli to see how to get it)")
    return {m.scenario: m for m in run_scenarios(cli_dir)}


def test_every_scenario_runs_and_is_reported_with_the_mocks_number_where_it_has_one(
    measured: dict[str, Measured],
) -> None:
    assert len(measured) == 6
    table = [line for line in report(list(measured.values())).splitlines() if line.startswith("| ")]
    assert len(table) == 7  # header + 6 scenarios
    assert len([line for line in table if "no such scenario" not in line]) == 1 + len(MOCK)


def test_staging_from_nothing_deploys_each_service_once(measured: dict[str, Measured]) -> None:
    first = measured["staging from nothing"]
    assert first.deploy_count == 2
    assert first.deploys == {"web": 1, "worker": 1}
    assert first.mutations[DEPLOY] == 2


def test_the_same_inputs_again_send_railway_nothing(measured: dict[str, Measured]) -> None:
    again = measured["the same inputs again"]
    assert again.requests == 0
    assert again.mutation_count == 0
    assert again.deploy_count == 0


def test_one_secret_writes_the_web_variables_once_and_deploys_web_only(measured: dict[str, Measured]) -> None:
    secret = measured["one secret changed (jwtSecret)"]
    assert secret.mutation_count == 2
    assert secret.mutations == {"variableCollectionUpsert": 1, DEPLOY: 1}
    assert secret.deploys == {"web": 1}


def test_the_replica_count_updates_the_web_settings_and_deploys_web_only(
    measured: dict[str, Measured],
) -> None:
    replicas = measured["web replicas 1 -> 2 (webReplicas)"]
    assert replicas.mutation_count == 2
    assert replicas.mutations == {"serviceInstanceUpdate": 1, DEPLOY: 1}
    assert replicas.deploys == {"web": 1}


def test_a_preview_destroy_deletes_its_environment_in_at_most_3_mutations_and_deploys_nothing(
    measured: dict[str, Measured],
) -> None:
    up = measured["preview infra-pr-1 up"]
    assert up.mutations["environmentCreate"] == 1
    assert up.mutations[DEPLOY] == 2
    destroy = measured["preview infra-pr-1 destroy"]
    assert destroy.mutation_count <= 3
    assert destroy.mutations == {"environmentDelete": 1, "projectTokenDelete": 1}
    assert destroy.deploy_count == 0
