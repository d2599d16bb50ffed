"""The ServiceInstance provider against the emulator, what it sends Railway: only managed keys, null only
for keys it managed before, a dropped image left in place, whole numbers as integers, and Railway's shapes
for the pre-deploy command and replicas per region."""

from __future__ import annotations

from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import IMAGE, failures
from tests.support.service_instance_harness import ids_fixture as ids_fixture  # a fixture, used by name
from tests.support.service_instance_harness import inputs, sent, stored
from tests.support.service_instance_harness import (
    provider_fixture as provider_fixture,  # a fixture, used by name
)


def test_only_managed_keys_are_sent(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    provider.create(inputs(ids, num_replicas=2, start_command=None))
    assert sent(fake_railway) == [{"source": {"image": IMAGE}, "numReplicas": 2}]


def test_a_key_managed_before_and_dropped_is_unset_with_null(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, start_command="node server.js", num_replicas=2))
    assert created.outs is not None
    provider.update(created.id, created.outs, inputs(ids, num_replicas=2))
    assert sent(fake_railway)[-1] == {"source": {"image": IMAGE}, "numReplicas": 2, "startCommand": None}


def test_a_dropped_image_is_left_in_place(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids))
    assert created.outs is not None
    provider.update(created.id, created.outs, {**ids, "num_replicas": 2})
    assert sent(fake_railway)[-1] == {"numReplicas": 2}
    assert stored(fake_railway, ids).settings["source"] == {"image": IMAGE}


def test_the_engines_whole_number_floats_pass_check_and_are_sent_as_integers(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, num_replicas=2.0, healthcheck_timeout=120.0, multi_region_config=None)
    assert failures(provider, news) == {}
    created = provider.create(news)
    [first] = sent(fake_railway)
    assert (first["numReplicas"], type(first["numReplicas"])) == (2, int)
    assert created.outs is not None
    assert created.outs["num_replicas"] == 2


def test_replicas_per_region_as_floats_are_sent_as_integers(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, multi_region_config={"us-west2": 2.0})
    assert failures(provider, news) == {}
    provider.create(news)
    assert sent(fake_railway)[0]["multiRegionConfig"] == {"us-west2": {"numReplicas": 2}}


def test_pre_deploy_command_is_sent_as_one_entry_and_read_back_as_text(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, pre_deploy_command="npm run migrate"))
    assert sent(fake_railway)[0]["preDeployCommand"] == ["npm run migrate"]
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["pre_deploy_command"] == "npm run migrate"


def test_replicas_per_region_are_sent_in_railways_shape_and_kept(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    config = {"us-west2": 2, "europe-west4-drams3a": 1}
    created = provider.create(inputs(ids, multi_region_config=config))
    assert sent(fake_railway)[0]["multiRegionConfig"] == {
        "us-west2": {"numReplicas": 2},
        "europe-west4-drams3a": {"numReplicas": 1},
    }
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["multi_region_config"] == config
