"""The Volume provider against the emulator: create in the one environment, read, delete, gone-ness with the
environment, adoption after a lost answer (never two volumes), checks and the replace-only diff."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.resources.volume import VolumeProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import created_and_deleted, failures, live, provider_fixture

MOUNT = "/var/lib/postgresql/data"


provider = provider_fixture(VolumeProvider)


@pytest.fixture
def props(fake_railway: FakeRailway) -> dict[str, Any]:
    seeded = fake_railway.backend.seed_project("cartly", ("staging", "pr-7"), {"postgres": "postgres:16"})
    return {
        "project_id": seeded["project_id"],
        "environment_id": seeded["environments"]["pr-7"],
        "service_id": seeded["services"]["postgres"],
        "mount_path": MOUNT,
        "staging": seeded["environments"]["staging"],
    }


def inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "staging"}


def instances_in(fake_railway: FakeRailway, environment_id: str) -> list[Any]:
    return [i for i in live(fake_railway.backend.volume_instances) if i.environment_id == environment_id]


def test_create_mounts_it_in_the_given_environment_only(
    provider: VolumeProvider, fake_railway: FakeRailway, props: dict[str, Any]
) -> None:
    created = provider.create(inputs(props))
    mounted = instances_in(fake_railway, props["environment_id"])
    assert len(mounted) == 1
    assert (mounted[0].volume_id, mounted[0].mount_path) == (created.id, MOUNT)
    assert instances_in(fake_railway, props["staging"]) == []
    assert created.outs is not None and created.outs["volume_id"] == created.id


def test_read_finds_it_and_reports_it_gone_after_the_environment_is_deleted(
    provider: VolumeProvider, fake_railway: FakeRailway, props: dict[str, Any]
) -> None:
    created = provider.create(inputs(props))
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.id == created.id
    assert read.outs is not None and read.outs["mount_path"] == MOUNT
    fake_railway.backend.delete_out_of_band("environment", props["environment_id"])
    assert provider.read(created.id, created.outs).id == ""


def test_delete_removes_it_and_a_second_delete_is_no_error(
    provider: VolumeProvider, fake_railway: FakeRailway, props: dict[str, Any]
) -> None:
    id_, outs = created_and_deleted(provider, inputs(props))
    assert live(fake_railway.backend.volumes) == []
    provider.delete(id_, outs)
    assert fake_railway.backend.count("VolumeDelete") == 2


def test_a_create_whose_answer_was_lost_adopts_the_volume_it_made(
    provider: VolumeProvider, fake_railway: FakeRailway, props: dict[str, Any]
) -> None:
    fake_railway.backend.faults.reset_after_apply(operation="VolumeCreate")
    created = provider.create(inputs(props))
    volumes = live(fake_railway.backend.volumes)
    assert len(volumes) == 1
    assert created.id == volumes[0].id
    assert fake_railway.backend.count("VolumeCreate") == 1


def test_check_refuses_a_relative_mount_path_and_a_missing_service(provider: VolumeProvider) -> None:
    found = failures(provider, {"project_id": "p", "environment_id": "e", "mount_path": "data"})
    assert len(found) == 2
    assert "absolute path" in found["mount_path"]
    assert "Railway id" in found["service_id"]


def test_every_change_replaces_it_old_one_first(provider: VolumeProvider, props: dict[str, Any]) -> None:
    old = inputs(props)
    diff = provider.diff("v", old, {**old, "mount_path": "/data"})
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == (True, ["mount_path"], True)
    assert provider.diff("v", old, dict(old)).changes is False
