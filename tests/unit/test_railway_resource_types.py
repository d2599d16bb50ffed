"""How part B's resources register: type token, declared outputs seeded None, secrets declared as secret.

Mocks ignore `additional_secret_outputs`, so these capture what each resource hands to
`CustomResource.__init__` instead of running a program.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from pulumi_railway.resources.custom_domain import CustomDomain, CustomDomainArgs
from pulumi_railway.resources.deployment import Deployment, DeploymentArgs
from pulumi_railway.resources.project_token import ProjectToken, ProjectTokenArgs
from pulumi_railway.resources.service_domain import ServiceDomain, ServiceDomainArgs
from pulumi_railway.resources.variables import Variables, VariablesArgs


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str, dict[str, Any], Any]]]:
    """(type, name, props, opts) of each CustomResource constructed in the test."""
    seen: list[tuple[str, str, dict[str, Any], Any]] = []
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # the Outputs made in the test run on this loop

    def capture(
        self: Any, t: str, name: str, props: Any = None, opts: Any = None, *_: Any, **__: Any
    ) -> None:
        seen.append((t, name, dict(props or {}), opts))

    monkeypatch.setattr(pulumi.CustomResource, "__init__", capture)
    yield seen
    pending = asyncio.all_tasks(loop)
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(asyncio.new_event_loop())


RESOURCES = {
    "Variables": lambda: Variables(
        "v", VariablesArgs(project_id="p", environment_id="e", variables={"DATABASE_URL": "postgres://x"})
    ),
    "CustomDomain": lambda: CustomDomain(
        "d",
        CustomDomainArgs(
            project_id="p", environment_id="e", service_id="s", domain="a.cartly.io", target_port=3000
        ),
    ),
    "ServiceDomain": lambda: ServiceDomain(
        "g", ServiceDomainArgs(environment_id="e", service_id="s", target_port=1)
    ),
    "ProjectToken": lambda: ProjectToken(
        "t", ProjectTokenArgs(project_id="p", environment_id="e", name="ci")
    ),
    "Deployment": lambda: Deployment(
        "r", DeploymentArgs(project_id="p", environment_id="e", service_id="s", revision="rev")
    ),
}
CLASSES: dict[str, type] = {
    "Variables": Variables,
    "CustomDomain": CustomDomain,
    "ServiceDomain": ServiceDomain,
    "ProjectToken": ProjectToken,
    "Deployment": Deployment,
}
OUTPUTS = {
    "Variables": ["managed_keys", "values_sha256"],
    "CustomDomain": [
        "custom_domain_id",
        "dns_records",
        "verification_dns_host",
        "verification_token",
        "verified",
    ],
    "ServiceDomain": ["service_domain_id", "domain", "project_id"],
    "ProjectToken": ["token", "token_id"],
    "Deployment": ["deployment_id", "status", "url", "rolled_back_to"],
}


@pytest.mark.parametrize("kind", RESOURCES)
def test_each_resource_has_its_railway_type_token_and_seeds_its_outputs(
    registered: list[Any], kind: str
) -> None:
    RESOURCES[kind]()
    assert len(registered) == 1
    type_, _, props, _ = registered[0]
    assert type_ == f"pulumi-python:dynamic/railway:{kind}"
    assert {key: props[key] for key in OUTPUTS[kind]} == dict.fromkeys(OUTPUTS[kind])
    assert set(OUTPUTS[kind]) <= set(CLASSES[kind].__annotations__)


@pytest.mark.parametrize(("kind", "secret"), [("Variables", "values_sha256"), ("ProjectToken", "token")])
def test_minted_secrets_are_declared_secret_outputs(registered: list[Any], kind: str, secret: str) -> None:
    RESOURCES[kind]()
    assert len(registered) == 1
    assert registered[0][3].additional_secret_outputs == [secret]


def test_variable_values_enter_as_a_secret(registered: list[Any]) -> None:
    RESOURCES["Variables"]()
    values = registered[0][2]["variables"]
    assert isinstance(values, pulumi.Output)
    assert asyncio.get_event_loop().run_until_complete(values.is_secret()) is True


def test_each_resources_replace_rules_are_the_fields_marked_beside_them() -> None:
    from pulumi_railway.resources.replacing import railway_replace_keys

    rules = railway_replace_keys()
    assert len(rules) == 8
    assert rules == {
        "Project": ("workspace_id", "project_id"),
        "Environment": ("project_id", "name", "source_environment_id", "ephemeral"),
        "Service": ("project_id",),
        "ServiceInstance": ("service_id", "environment_id"),
        "Variables": ("project_id", "environment_id", "service_id"),
        "CustomDomain": ("project_id", "environment_id", "service_id", "domain"),
        "ServiceDomain": ("environment_id", "service_id"),
        "ProjectToken": ("project_id", "environment_id", "name"),
    }
