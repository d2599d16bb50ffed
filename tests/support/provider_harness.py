"""Helpers for tests that call the Railway providers directly, as the engine would, against the emulator.

Owns: configuring a provider with the emulator's token, making the client's retries instant (env
`CARTLY_RAILWAY_RETRY_BASE_DELAY=0` and a recording `provider_base.sleep`), and short-hands for check
results. Deliberately not here: the emulator's fixtures (testkit/fake_railway/pytest_plugin.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config

from pulumi_railway.toolkit import provider as provider_base

P = TypeVar("P", bound=ResourceProvider)

DIGEST = "sha256:" + "ab" * 32
IMAGE = f"ghcr.io/cartly/web@{DIGEST}"


def instant_retries(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """No real waiting between retries; returns the list the sleeps asked for are recorded in."""
    slept: list[float] = []
    monkeypatch.setenv(provider_base.RETRY_BASE_DELAY_ENV, "0")
    monkeypatch.setattr(provider_base, "sleep", slept.append)
    return slept


def configured(provider: P, token: str) -> P:
    """The provider after the engine's configure() with `cartly-infra:railwayToken` set to token."""
    provider.configure(ConfigureRequest(Config({provider_base.TOKEN_CONFIG_KEY: token}, "cartly-infra")))
    return provider


def failures(provider: ResourceProvider, news: Mapping[str, Any]) -> dict[str, str]:
    """check()'s failures as {property: reason}."""
    result = provider.check({}, dict(news))
    return {f.property: f.reason for f in result.failures}


def live(table: Mapping[str, Any]) -> list[Any]:
    """The emulator records of a table that are not deleted."""
    return [record for record in table.values() if record.live]
