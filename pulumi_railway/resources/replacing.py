"""Which inputs replace each Railway resource, by type name: for tools that predict a plan (Args fields
marked `REPLACES` in each resource module)."""

from __future__ import annotations

from pulumi_railway.resources import (
    custom_domain,
    environment,
    project,
    project_token,
    service,
    service_domain,
    service_instance,
    variables,
)


def railway_replace_keys() -> dict[str, tuple[str, ...]]:
    return {
        "Project": project.PLACE_KEYS,
        "Environment": environment.REPLACE_KEYS,
        "Service": service.REPLACE_KEYS,
        "ServiceInstance": service_instance.REPLACE_KEYS,
        "Variables": variables.REPLACE_KEYS,
        "CustomDomain": custom_domain.REPLACE_KEYS,
        "ServiceDomain": service_domain.REPLACE_KEYS,
        "ProjectToken": project_token.REPLACE_KEYS,
    }
