"""ServiceInstance placement as Railway has it: `region` is legacy and reads back null, so a region is written
as `multiRegionConfig` and read back from the latest deployment's manifest; drift shows on refresh."""

from __future__ import annotations

from typing import Any

from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.service_instance_harness import ids_fixture as ids_fixture  # a fixture, used by name
from tests.support.service_instance_harness import inputs, sent, stored
from tests.support.service_instance_harness import (
    provider_fixture as provider_fixture,  # a fixture, used by name
)

EUROPE = "europe-west4-drams3a"


def deployed(fake_railway: FakeRailway, ids: dict[str, str]) -> None:
    """Railway deploys the instance as it is now (the Deployment resource's job in a real run)."""
    dep = fake_railway.backend.deploy(ids["service_id"], ids["environment_id"], "test")
    fake_railway.backend.tick(3)
    assert fake_railway.backend.deployments[dep.id].status == "SUCCESS"


def refreshed(provider: ServiceInstanceProvider, created: Any) -> dict[str, Any]:
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    return dict(read.outs)


def test_a_region_is_placed_through_multi_region_config_and_reads_back_without_drift(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, region=EUROPE, num_replicas=2)
    created = provider.create(news)
    deployed(fake_railway, ids)

    [update] = sent(fake_railway)
    assert "region" not in update
    assert update["multiRegionConfig"] == {EUROPE: {"numReplicas": 2}}
    assert refreshed(provider, created)["region"] == EUROPE
    assert provider.diff(created.id, refreshed(provider, created), news).changes is False


def test_a_placement_changed_outside_pulumi_shows_as_drift_on_refresh(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, region=EUROPE)
    created = provider.create(news)
    stored(fake_railway, ids).settings["multiRegionConfig"] = {"us-east4-eqdc4a": {"numReplicas": 1}}
    deployed(fake_railway, ids)

    live = refreshed(provider, created)

    assert live["region"] == "us-east4-eqdc4a"
    assert provider.diff(created.id, live, news).changes is True


def test_replicas_per_region_read_back_from_the_deployment(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    config = {"us-west2": 2, EUROPE: 1}
    created = provider.create(inputs(ids, multi_region_config=config))
    stored(fake_railway, ids).settings["multiRegionConfig"] = {"us-west2": {"numReplicas": 3}}
    deployed(fake_railway, ids)

    assert refreshed(provider, created)["multi_region_config"] == {"us-west2": 3}
