"""Live conformance, errors: how Railway answers a missing or deleted object and a bad token; and the
sandbox's own cleanup. Runs on the emulator and, marked `integration`, on real Railway (README.md beside it:
how to run it for real, what it costs, what it does not check)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from pulumi_railway.api import deployments as deploy_ops
from pulumi_railway.api import domains as domain_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.api.errors import RailwayAuthError, RailwayError, RailwayNotFound
from tests.support.railway_sandbox import Sandbox, domain_name
from tests.support.railway_sandbox import sandbox_fixture as sandbox_fixture  # a fixture, used by name
from tests.support.railway_target import RailwayTarget, record_statuses
from tests.support.railway_target import target_fixture as target_fixture  # a fixture, used by name

# --- errors ------------------------------------------------------------------------------------------------

MISSING: dict[str, tuple[str, Callable[[Sandbox, str], dict[str, Any]]]] = {
    "environment": (ops.ENVIRONMENT, lambda box, made_up: {"id": made_up, "projectId": box.project_id}),
    "service": (ops.SERVICE, lambda box, made_up: {"id": made_up}),
    "deployment": (deploy_ops.DEPLOYMENT, lambda box, made_up: {"id": made_up}),
    "customDomain": (
        domain_ops.CUSTOM_DOMAIN,
        lambda box, made_up: {"id": made_up, "projectId": box.project_id},
    ),
}


@pytest.mark.parametrize("field", sorted(MISSING))
def test_a_missing_object_by_id_answers_http_200_with_an_error_the_client_raises_as_not_found(
    sandbox: Sandbox, field: str
) -> None:
    document, variables = MISSING[field]
    statuses = record_statuses(sandbox.client)

    with pytest.raises(RailwayNotFound) as caught:
        sandbox.client.execute(document, variables(sandbox, str(uuid.uuid4())))

    assert len(statuses) >= 1  # more only if a 429 or 5xx was retried
    assert statuses[-1] == 200
    assert caught.value.paths == [[field]]


def _delete_environment(box: Sandbox) -> tuple[str, dict[str, Any]]:
    env_id = str(box.create_environment("it-doomed")["id"])
    box.client.execute(ops.ENVIRONMENT_DELETE, {"id": env_id})
    return ops.ENVIRONMENT, {"id": env_id, "projectId": box.project_id}


def _delete_service(box: Sandbox) -> tuple[str, dict[str, Any]]:
    service_id = box.create_service("it-doomed")
    box.client.execute(ops.SERVICE_DELETE, {"id": service_id, "environmentId": box.base_environment_id})
    return ops.SERVICE, {"id": service_id}


def _delete_custom_domain(box: Sandbox) -> tuple[str, dict[str, Any]]:
    domain = box.create_custom_domain(box.create_service("it-web"), domain_name())
    box.client.execute(domain_ops.CUSTOM_DOMAIN_DELETE, {"id": domain["id"]})
    return domain_ops.CUSTOM_DOMAIN, {"id": domain["id"], "projectId": box.project_id}


DELETED = {
    "environment": _delete_environment,
    "service": _delete_service,
    "customDomain": _delete_custom_domain,
}


@pytest.mark.parametrize("kind", sorted(DELETED))
def test_a_deleted_object_answers_not_found_or_not_authorized(
    sandbox: Sandbox, kind: str, record_property: Callable[[str, object], None]
) -> None:
    document, variables = DELETED[kind](sandbox)

    with pytest.raises(RailwayError) as caught:
        sandbox.client.execute(document, variables)

    answer = f"{type(caught.value).__name__}: {'; '.join(getattr(caught.value, 'messages', []))}"
    record_property(f"deleted_{kind}_answer", answer)
    print(f"{sandbox.target.name}: a deleted {kind} answers {answer}")
    assert type(caught.value) in (RailwayNotFound, RailwayAuthError)


def test_a_bad_token_answers_not_authorized(sandbox: Sandbox) -> None:
    stranger = sandbox.target.client(token=f"cartly-infra-it-not-a-token-{secrets.token_hex(8)}")

    with stranger, pytest.raises(RailwayAuthError) as caught:
        stranger.execute(ops.PROJECT, {"id": sandbox.project_id})

    assert len(caught.value.messages) == 1
    assert caught.value.messages[0].lower() == "not authorized"


# --- the harness itself ------------------------------------------------------------------------------------


def test_the_sandbox_deletes_its_project_last_even_when_a_cleanup_fails(target: RailwayTarget) -> None:
    box = Sandbox(target).open()
    deleted_first: list[bool] = []

    def failing_cleanup() -> None:
        read = box.client.execute(ops.PROJECT, {"id": box.project_id})["project"]
        deleted_first.append(bool(read.get("deletedAt")))
        raise RuntimeError("cleanup broke")

    box.defer("a failing cleanup", failing_cleanup)
    with pytest.raises(RailwayError, match="a failing cleanup: cleanup broke"):
        box.close()

    assert deleted_first == [False]
    assert _is_gone(box)


def _is_gone(box: Sandbox) -> bool:
    try:
        read = box.client.execute(ops.PROJECT, {"id": box.project_id})["project"]
    except (RailwayNotFound, RailwayAuthError):
        return True
    return bool(read.get("deletedAt"))
