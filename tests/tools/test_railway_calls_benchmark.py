"""The benchmark's targets, asserted: no request for the same inputs, one variable write and one deploy per
affected service per change, nothing redeployed that did not change."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.railway_calls import Measured, report, run_scenarios


@pytest.fixture
def results(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Measured]:
    measured = run_scenarios(fake_railway.backend, fake_railway.token)
    return {m.scenario: m for m in measured}


def deployed(fake_railway: Any, m: Measured) -> dict[str, int]:
    """Deploys per service name."""
    return {fake_railway.backend.services[sid].name: n for sid, n in m.deploys_by_service.items()}


def test_every_scenario_runs_and_is_reported(results: dict[str, Measured]) -> None:
    assert len(results) == 5
    text = report(list(results.values()))
    assert text.count("Terraform model:") == 5


def test_creating_writes_variables_once_per_service_and_deploys_each_once(
    fake_railway: Any, results: dict[str, Measured]
) -> None:
    m = results["create a two-service environment from nothing"]
    assert m.by_operation["VariableCollectionUpsert"] == 2
    assert m.by_operation["ServiceInstanceDeployV2"] == 2
    assert m.deploys_by_reason["deploy"] == 2
    assert m.deploys_by_reason["variableChange"] == 0


def test_the_same_inputs_again_send_no_request(results: dict[str, Measured]) -> None:
    m = results["the same inputs again"]
    assert m.requests == 0
    assert m.deploys == 0


def test_one_changed_variable_is_one_write_and_one_deploy_of_that_service(
    fake_railway: Any, results: dict[str, Measured]
) -> None:
    m = results["change one variable"]
    assert m.variable_writes == 1
    assert deployed(fake_railway, m) == {"web": 1}


def test_five_variables_and_replicas_are_one_write_each_and_one_deploy(
    fake_railway: Any, results: dict[str, Measured]
) -> None:
    m = results["change five variables and the replica count"]
    assert (m.variable_writes, m.variables_written, m.settings_writes) == (1, 5, 1)
    assert deployed(fake_railway, m) == {"web": 1}


def test_a_new_image_is_one_settings_write_and_one_deploy_per_service(
    fake_railway: Any, results: dict[str, Measured]
) -> None:
    m = results["change the image"]
    assert (m.variable_writes, m.settings_writes) == (0, 2)
    assert deployed(fake_railway, m) == {"web": 1, "worker": 1}


@pytest.fixture
def releases(fake_railway: Any) -> dict[str, Measured]:
    from benchmarks.release_digest import run_release_scenarios

    return {m.scenario: m for m in run_release_scenarios(fake_railway.backend, fake_railway.token)}


def test_releasing_a_digest_is_one_settings_write_and_one_deploy_per_service_and_nothing_else(
    fake_railway: Any, releases: dict[str, Measured]
) -> None:
    assert len(releases) == 2
    m = releases["release a new digest"]
    assert (m.settings_writes, m.variable_writes) == (2, 0)
    assert deployed(fake_railway, m) == {"web": 1, "worker": 1}
    assert m.mutations == 4  # the physical minimum: one settings write and one deploy per service


def test_a_failing_release_rolls_back_web_and_restores_the_worker_without_redeploying_web(
    fake_railway: Any, releases: dict[str, Measured]
) -> None:
    m = next(v for k, v in releases.items() if k.startswith("release a digest whose health gate fails"))
    assert m.by_operation["DeploymentRollback"] == 1
    assert m.settings_writes == 4  # the release's image, then the previous one again, per service
    # web: the failed deploy, then Railway's rollback, itself a new deployment (the strict emulator, as
    # Railway's docs say); worker: the release, then the previous digest again. Web is not redeployed.
    assert deployed(fake_railway, m) == {"web": 2, "worker": 2}
    assert m.deploys_by_reason["rollback"] == 1
