"""The app-preview benchmark's budgets, asserted: a preview from nothing within 40 requests besides status
waits, its destroy within 4 mutations (issue 14 said 3; the project token is revoked by its own delete);
and what each costs, operation by operation."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.app_preview import DESTROY_BUDGET, UP_BUDGET, Cost, report, run


@pytest.fixture
def costs(fake_railway: Any) -> dict[str, Cost]:
    return {c.scenario: c for c in run(fake_railway.backend, fake_railway.token)}


def test_a_preview_from_nothing_stays_within_its_request_budget(costs: dict[str, Cost]) -> None:
    up = costs["preview of an app PR from nothing"]
    assert up.besides_waits <= UP_BUDGET
    # Environment 1 (+1 look-up first), data services 2 (+2 look-ups by name, +1 read), volumes 2 (+2
    # look-ups), settings 4 (+4 reads back: the data services' image is set here, not at create), variables
    # 2, domains 2 (+2 look-ups), token 1 (+2 reads), deploys 4 (+4 lists of the service's deployments
    # first: both data services once their volume is mounted, then web and worker). The look-ups make each
    # create safe to run again after a crash.
    assert up.besides_waits == 36
    assert (up.by_operation["VolumeCreate"], up.by_operation["ServiceInstanceDeployV2"]) == (2, 4)
    # Services are created without a source (no create-time deploy): every deploy is a Deployment's.
    assert up.deploys == 4


def test_destroying_it_takes_the_environment_the_data_services_and_the_token(costs: dict[str, Cost]) -> None:
    destroy = costs["destroy it"]
    assert destroy.mutations <= DESTROY_BUDGET
    assert dict(destroy.by_operation) == {"EnvironmentDelete": 1, "ServiceDelete": 2, "ProjectTokenDelete": 1}


def test_the_report_names_both_scenarios_and_the_budgets(costs: dict[str, Cost]) -> None:
    text = report(list(costs.values()))
    assert text.count("== ") == 2
    assert "besides status waits" in text and "destroy <= 4 mutations" in text
