"""Fixtures shared by the ServiceInstance provider's tests: the provider, a seeded service (`ids`), inputs.

Import a fixture under its function name (`provider_fixture as provider_fixture`); pytest knows it by `name=`.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import IMAGE, configured

PASSWORD = "ghp_registry-password-value"


@pytest.fixture(name="provider")
def provider_fixture(fake_railway: FakeRailway) -> ServiceInstanceProvider:
    return configured(ServiceInstanceProvider(), fake_railway.token)


@pytest.fixture(name="ids")
def ids_fixture(fake_railway: FakeRailway) -> dict[str, str]:
    seeded = fake_railway.backend.seed_project(
        name="cartly-staging", environments=("staging",), services={"web": "ghcr.io/cartly/web:1"}
    )
    return {"service_id": seeded["services"]["web"], "environment_id": seeded["environments"]["staging"]}


def inputs(ids: dict[str, str], **settings: Any) -> dict[str, Any]:
    return {**ids, "image": IMAGE, **settings}


def sent(fake_railway: FakeRailway) -> list[dict[str, Any]]:
    """The `input` of every serviceInstanceUpdate, in order."""
    return [
        r.variables["input"]
        for r in fake_railway.backend.requests
        if r.operation_name == "ServiceInstanceUpdate"
    ]


def stored(fake_railway: FakeRailway, ids: dict[str, str]) -> Any:
    return fake_railway.backend.instance(ids["service_id"], ids["environment_id"])
