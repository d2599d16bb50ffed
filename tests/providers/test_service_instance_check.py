"""The ServiceInstance provider's check rules: each bad input refused naming its property (before any
call to Railway), placement conflicts, unknown values at preview, and the registry password never echoed."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import DIGEST, failures
from tests.support.service_instance_harness import PASSWORD, inputs
from tests.support.service_instance_harness import ids_fixture as ids_fixture  # a fixture, used by name
from tests.support.service_instance_harness import (
    provider_fixture as provider_fixture,  # a fixture, used by name
)

BAD_INPUTS = [
    ("service_id", "", "service_id must be a Railway id"),
    ("image", "ghcr.io/cartly/web:staging", "must be pinned by digest"),
    ("image", "ghcr.io/cartly/web@sha256:short", "image must be an image reference"),
    ("registry_credentials", {"username": "u"}, "registry_credentials must be {username, password}"),
    ("start_command", "", "start_command must be a non-empty string"),
    ("pre_deploy_command", "  ", "pre_deploy_command must be a non-empty string"),
    ("healthcheck_path", "health", "healthcheck_path must start with '/'"),
    ("healthcheck_timeout", 0, "healthcheck_timeout must be a whole number at least 1"),
    ("num_replicas", 0, "num_replicas must be a whole number at least 1"),
    ("num_replicas", 1.5, "num_replicas must be a whole number at least 1"),
    ("region", "mars-1", "region must be one of us-west2"),
    ("multi_region_config", {"mars-1": 1}, "multi_region_config maps regions"),
    ("multi_region_config", {"us-west2": 0}, "multi_region_config maps regions"),
    ("restart_policy_type", "SOMETIMES", "restart_policy_type must be one of ALWAYS, NEVER, ON_FAILURE"),
    ("restart_policy_max_retries", -1, "restart_policy_max_retries must be a whole number at least 0"),
    ("sleep_application", "no", "sleep_application must be true or false"),
    ("overlap_seconds", -5, "overlap_seconds must be a whole number at least 0"),
    ("draining_seconds", 1.5, "draining_seconds must be a whole number at least 0"),
]


@pytest.mark.parametrize(("prop", "value", "says"), BAD_INPUTS, ids=[f"{p}={v!r}" for p, v, _ in BAD_INPUTS])
def test_check_rejects_bad_input_naming_the_property(
    provider: ServiceInstanceProvider,
    fake_railway: FakeRailway,
    ids: dict[str, str],
    prop: str,
    value: Any,
    says: str,
) -> None:
    found = failures(provider, inputs(ids, **{prop: value}))
    assert list(found) == [prop]
    assert says in found[prop]
    assert fake_railway.backend.count() == 0


def test_check_refuses_region_and_replicas_per_region_together(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    found = failures(provider, inputs(ids, region="us-west2", multi_region_config={"us-west2": 2}))
    assert found == {"multi_region_config": "set either multi_region_config or region/num_replicas, not both"}


@pytest.mark.parametrize("key", ["region", "num_replicas", "multi_region_config"])
def test_check_does_not_call_an_unknown_placement_a_conflict_at_preview(
    provider: ServiceInstanceProvider, ids: dict[str, str], key: str
) -> None:
    placement: dict[str, Any] = {"region": "us-west2", "multi_region_config": {"us-west2": 2}}
    if key == "num_replicas":
        placement = {"num_replicas": 2, "multi_region_config": {"us-west2": 2}}
    placement[key] = pulumi.output.UNKNOWN
    assert failures(provider, inputs(ids, **placement)) == {}


def test_check_never_echoes_the_registry_password(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    found = failures(provider, inputs(ids, registry_credentials={"username": "", "password": PASSWORD}))
    assert list(found) == ["registry_credentials"]
    assert PASSWORD not in found["registry_credentials"]


def test_check_accepts_a_full_set_of_settings(provider: ServiceInstanceProvider, ids: dict[str, str]) -> None:
    news = inputs(
        ids,
        image=f"ghcr.io/cartly/web:1.4.2@{DIGEST}",
        registry_credentials={"username": "u", "password": PASSWORD},
        start_command="node server.js",
        pre_deploy_command="npm run migrate",
        healthcheck_path="/health",
        healthcheck_timeout=120,
        num_replicas=2,
        region="europe-west4-drams3a",
        restart_policy_type="ON_FAILURE",
        restart_policy_max_retries=5,
        sleep_application=False,
        overlap_seconds=30,
        draining_seconds=20,
    )
    assert failures(provider, news) == {}


def test_check_tolerates_unknown_values(provider: ServiceInstanceProvider, ids: dict[str, str]) -> None:
    unknown = pulumi.output.UNKNOWN
    news: dict[str, Any] = {
        key: unknown for key in ("service_id", "image", "registry_credentials", "healthcheck_path")
    }
    news["multi_region_config"] = {"us-west2": unknown}
    assert failures(provider, {**ids, **news}) == {}
