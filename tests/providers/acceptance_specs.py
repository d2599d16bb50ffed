"""What the shared acceptance suite needs to know of each resource that owns one Railway object.
ServiceInstance, Variables and Deployment own no object of their own (settings, keys and history of a
service), so their sequences live beside them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import ResourceProvider

from pulumi_railway.resources.custom_domain import CustomDomainProvider
from pulumi_railway.resources.environment import EnvironmentProvider
from pulumi_railway.resources.project import ProjectProvider
from pulumi_railway.resources.project_token import ProjectTokenProvider
from pulumi_railway.resources.service import ServiceProvider
from pulumi_railway.resources.service_domain import ServiceDomainProvider
from tests.support.provider_harness import IMAGE
from tests.support.railway_world import World

Inputs = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    """The inputs to create with, a change Railway applies in place, a change that replaces, and where the
    object lives in the emulator."""

    id: str
    provider: Callable[[], ResourceProvider]
    inputs: Inputs
    in_place: dict[str, Any] | None  # a change applied without replacing, read back from Railway
    replacing: Callable[[World], dict[str, Any]]  # a change that replaces, with the keys it names
    replaced_keys: list[str]

    @property
    def kind(self) -> str:
        """The emulator's name for it (delete_out_of_band, its table): ProjectToken -> project_token."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.id).lower()

    @property
    def operations(self) -> tuple[str, str | None, str]:
        """Railway's create, in-place update (None when every change replaces) and delete mutations."""
        update = f"{self.id}Update" if self.in_place is not None else None
        return f"{self.id}Create", update, f"{self.id}Delete"

    @property
    def table(self) -> str:
        return {"project_token": "project_tokens"}.get(self.kind, f"{self.kind}s")


def _ids(w: World) -> dict[str, Any]:
    return {"project_id": w.project_id, "environment_id": w.environment_id}


SPECS = [
    Spec(
        "Project",
        ProjectProvider,
        lambda w: {"name": "cartly-qa", "description": "Cartly QA"},
        {"name": "cartly-quality"},
        lambda w: {"workspace_id": "another-workspace"},
        ["workspace_id"],
    ),
    Spec(
        "Environment",
        EnvironmentProvider,
        lambda w: {"project_id": w.project_id, "name": "qa"},
        None,
        lambda w: {"name": "qa-2"},
        ["name"],
    ),
    Spec(
        "Service",
        ServiceProvider,
        lambda w: {**_ids(w), "name": "api", "image": IMAGE, "variables": {"DATABASE_URL": "postgres://x"}},
        {"name": "api-2", "icon": "https://cartly.io/icon.png"},
        lambda w: {"project_id": "another-project"},
        ["project_id"],
    ),
    Spec(
        "CustomDomain",
        CustomDomainProvider,
        lambda w: {**_ids(w), "service_id": w.web_id, "domain": "qa.cartly.io", "target_port": 3000},
        {"target_port": 8080},
        lambda w: {"domain": "qa2.cartly.io"},
        ["domain"],
    ),
    Spec(
        "ServiceDomain",
        ServiceDomainProvider,
        lambda w: {"environment_id": w.environment_id, "service_id": w.web_id, "target_port": 3000},
        {"target_port": 8080},
        lambda w: {"service_id": w.worker_id},
        ["service_id"],
    ),
    Spec(
        "ProjectToken",
        ProjectTokenProvider,
        lambda w: {**_ids(w), "name": "ci-qa"},
        None,
        lambda w: {"name": "ci-qa-2"},
        ["name"],
    ),
]
