"""Fixtures and short-hands shared by the ServiceInstance provider's tests (tests/test_service_instance*.py).

Owns: the provider configured against the emulator, a seeded service and environment (`ids`), instant
client retries, the inputs a test starts from, and what reached the emulator (`sent`, `stored`). Import a
fixture into a test module under its function name (`provider_fixture as provider_fixture`); pytest
knows it by its `name=`. Deliberately not here: any assertion.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.resources.service_instance import ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import IMAGE, configured, instant_retries

PASSWORD = "ghp_registry-password-value"


@pytest.fixture(autouse=True, name="_instant")
def instant_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    instant_retries(monkeypatch)


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
