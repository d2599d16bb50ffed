"""The ServiceInstance provider against the emulator, its registry credentials: written and echoed but
never read back, and the password never in an error, a traceback or a repr."""

from __future__ import annotations

import json
import traceback
from typing import Any

import pytest

from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError, graphql_error
from pulumi_railway.resources.service_instance import ServiceInstanceArgs, ServiceInstanceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import IMAGE
from tests.support.service_instance_harness import PASSWORD, inputs, stored
from tests.support.service_instance_harness import ids_fixture as ids_fixture  # a fixture, used by name
from tests.support.service_instance_harness import (
    provider_fixture as provider_fixture,  # a fixture, used by name
)


def test_registry_credentials_are_written_and_echoed_but_never_read(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    creds = {"username": "cartly-bot", "password": PASSWORD}
    created = provider.create(inputs(ids, registry_credentials=creds))
    assert stored(fake_railway, ids).registry_credentials == creds
    assert created.outs is not None
    assert created.outs["registry_credentials"] == creds
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["registry_credentials"] == creds
    reads = [r for r in fake_railway.backend.requests if r.operation_name == "ServiceInstance"]
    assert len(reads) == 2
    assert all("registryCredentials" not in r.variables for r in reads)


def test_a_failed_update_names_the_instance_but_no_password(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    news: dict[str, Any] = {"service_id": "missing", "environment_id": ids["environment_id"], "image": IMAGE}
    news["registry_credentials"] = {"username": "u", "password": PASSWORD}
    with pytest.raises(RailwayError) as caught:
        provider.update("i", {}, news)
    assert str(caught.value).startswith("Unable to update settings of service 'missing' in environment ")
    assert PASSWORD not in str(caught.value)


def test_a_refusal_that_echoes_the_password_reaches_the_engine_without_it(
    provider: ServiceInstanceProvider, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def echoing(_client: Any, document: str, variables: Any = None, **_: Any) -> dict[str, Any]:
        # Railway's validation messages may quote the input they refuse, password included.
        raise graphql_error("ServiceInstanceUpdate", [{"message": f"Invalid input: {json.dumps(variables)}"}])

    monkeypatch.setattr(RailwayClient, "execute", echoing)
    news = inputs(ids, registry_credentials={"username": "u", "password": PASSWORD})
    with pytest.raises(RailwayError) as caught:
        provider.update("i", {}, news)
    assert str(caught.value).startswith("Unable to update settings of service ")
    assert "Invalid input" in str(caught.value)
    # What the provider server sends the engine: traceback.format_exc(), the whole chain included.
    printed = "".join(traceback.format_exception(caught.value))
    assert printed.count("Unable to update settings") == 1
    assert PASSWORD not in printed


def test_the_args_repr_never_shows_the_registry_password() -> None:
    args = ServiceInstanceArgs(
        "s", "e", image=IMAGE, registry_credentials={"username": "u", "password": PASSWORD}
    )
    assert "service_id='s'" in repr(args)
    assert PASSWORD not in repr(args)
