"""Helpers for tests that call the Railway providers directly, as the engine would, against the emulator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config

from pulumi_railway.api.retry import Waits
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.fake_time import FakeTime

P = TypeVar("P", bound=ResourceProvider)

DIGEST = "sha256:" + "ab" * 32
IMAGE = f"ghcr.io/cartly/web@{DIGEST}"


def configured(provider: P, token: str, waits: Waits | None = None) -> P:
    """The provider after the engine's configure() with `cartly-infra:railwayToken` set to token; it waits
    on `waits` (by default a fresh FakeTime, so nothing really sleeps)."""
    provider.configure(ConfigureRequest(Config({"cartly-infra:railwayToken": token}, "cartly-infra")))
    provider.waits = waits if waits is not None else FakeTime()  # type: ignore[attr-defined]
    return provider


def provider_fixture(make: Callable[[], P]) -> Any:
    """A `provider` fixture: a new provider from make(), configured with the emulator's token."""

    def provider(fake_railway: FakeRailway) -> P:
        return configured(make(), fake_railway.token)

    return pytest.fixture(provider, name="provider")


def created_and_deleted(provider: ResourceProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Create from `news`, then delete what was created, as the engine would; (its id, its outputs)."""
    created = provider.create(news)
    assert created.outs is not None
    provider.delete(created.id, created.outs)
    return created.id, created.outs


def failures(provider: ResourceProvider, news: Mapping[str, Any]) -> dict[str, str]:
    """check()'s failures as {property: reason}."""
    result = provider.check({}, dict(news))
    return {f.property: f.reason for f in result.failures}


def live(table: Mapping[str, Any]) -> list[Any]:
    """The emulator records of a table that are not deleted."""
    return [record for record in table.values() if record.live]
