"""The ServiceInstance provider against the emulator, its lifecycle: the acceptance sequence, Railway's
defaults normalised (no drift on refresh), changes made outside Pulumi, reads of a deleted or unreadable
instance, and what diff calls a change. What is sent: test_service_instance_sent.py; registry
credentials: test_service_instance_credentials.py; check rules: test_service_instance_check.py."""

from __future__ import annotations

import pulumi
import pytest

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import configured
from tests.support.service_instance_harness import ids_fixture as ids_fixture  # a fixture, used by name
from tests.support.service_instance_harness import inputs, stored
from tests.support.service_instance_harness import (
    provider_fixture as provider_fixture,  # a fixture, used by name
)


def test_acceptance_sequence(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, num_replicas=2, start_command="node server.js", healthcheck_path="/health")
    created = provider.create(news)
    assert created.id == stored(fake_railway, ids).id
    assert stored(fake_railway, ids).settings["numReplicas"] == 2

    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs == created.outs
    assert read.outs is not None
    assert provider.diff(created.id, read.outs, news).changes is False

    changed = inputs(ids, num_replicas=3, healthcheck_path="/health")
    assert provider.diff(created.id, read.outs, changed).replaces == []
    updated = provider.update(created.id, read.outs, changed)
    assert "startCommand" not in stored(fake_railway, ids).settings
    assert stored(fake_railway, ids).settings["numReplicas"] == 3
    assert updated.outs is not None

    other = {**changed, "environment_id": "env-2"}
    assert provider.diff(created.id, updated.outs, other).replaces == ["environment_id"]

    fake_railway.backend.delete_out_of_band("service", ids["service_id"])
    assert provider.read(created.id, updated.outs).id == ""
    provider.delete(created.id, updated.outs)
    provider.delete(created.id, updated.outs)
    assert fake_railway.backend.find_instance(ids["service_id"], ids["environment_id"]) is None


def test_railway_defaults_read_back_as_no_drift(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    news = inputs(
        ids,
        restart_policy_type="ON_FAILURE",
        restart_policy_max_retries=10,
        healthcheck_timeout=300,
        num_replicas=1,
        sleep_application=False,
        region="us-west2",
    )
    created = provider.create(news)
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert provider.diff(created.id, read.outs, news).changes is False


def test_settings_it_does_not_manage_read_as_none(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids))
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert (read.outs["restart_policy_type"], read.outs["num_replicas"], read.outs["region"]) == (
        None,
        None,
        None,
    )


def test_read_reports_a_setting_changed_outside_pulumi(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, num_replicas=2)
    created = provider.create(news)
    stored(fake_railway, ids).settings["numReplicas"] = 5
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["num_replicas"] == 5
    assert provider.diff(created.id, read.outs, news).changes is True


def test_read_after_the_environment_was_deleted_returns_an_empty_id_when_railway_says_not_authorized(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, num_replicas=2))
    fake_railway.backend.delete_out_of_band("environment", ids["environment_id"])
    fake_railway.backend.deleted_answer_not_authorized = True
    assert created.outs is not None
    assert provider.read(created.id, created.outs).id == ""


def test_read_is_an_auth_failure_when_the_token_reads_neither_environment_nor_service(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, num_replicas=2))
    assert created.outs is not None
    other = configured(ServiceInstanceProvider(), "a-token-railway-does-not-know")
    with pytest.raises(RailwayError, match="Not Authorized"):
        other.read(created.id, created.outs)


def test_diff_ignores_the_serialized_provider(provider: ServiceInstanceProvider, ids: dict[str, str]) -> None:
    olds = {**inputs(ids), "__provider": "a"}
    assert provider.diff("i", olds, {**inputs(ids), "__provider": "b"}).changes is False


def test_an_unknown_image_at_preview_is_an_update(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    diff = provider.diff("i", inputs(ids), inputs(ids, image=pulumi.output.UNKNOWN))
    assert (diff.changes, diff.replaces) == (True, [])
