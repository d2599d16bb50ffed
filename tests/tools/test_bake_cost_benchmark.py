"""The bake window's cost, asserted: at production's defaults (180 s looked at every 15 s) a deploy's bake
sends 12 httpLogs reads and one metrics read, whatever the service, plus a page per 1,000 requests beyond."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.bake_cost import BakeCost, measure, report, run


@pytest.fixture
def costs(fake_railway: Any) -> dict[tuple[str, int], BakeCost]:
    # The heavy case once (the web's): a thousand logs per page is slow to serve on a busy machine.
    found = run(fake_railway.backend, fake_railway.token, traffic=(0, 40))
    found.append(measure(fake_railway.backend, fake_railway.token, "web", 1100))
    return {(c.service, c.traffic): c for c in found}


def test_every_case_runs_and_is_reported(costs: dict[tuple[str, int], BakeCost]) -> None:
    assert len(costs) == 5
    assert len(report(list(costs.values())).splitlines()) == 6


def test_the_default_window_costs_thirteen_requests_per_deploy(
    costs: dict[tuple[str, int], BakeCost],
) -> None:
    for service in ("web", "worker"):
        for traffic in (0, 40):
            cost = costs[(service, traffic)]
            assert (cost.by_operation["HttpLogs"], cost.by_operation["Metrics"]) == (12, 1)
            # a list of the service's deployments, the trigger and three polls: the bake adds nothing
            assert cost.deploy_requests == 5


def test_heavy_traffic_adds_one_page_per_thousand_requests(costs: dict[tuple[str, int], BakeCost]) -> None:
    assert costs[("web", 1100)].by_operation["HttpLogs"] == 24


def test_only_the_public_service_is_probed(costs: dict[tuple[str, int], BakeCost]) -> None:
    assert costs[("web", 0)].health_gets == 13  # the gate's one GET and twelve bake probes
    assert costs[("worker", 0)].health_gets == 0
