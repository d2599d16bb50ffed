"""Live conformance: each Railway behaviour the emulator assumes and the provider relies on, stated once as a
test and run against two targets, the emulator (always) and real Railway (`integration`, skipped unless a
token is set). A pass on `emulator` proves only that the emulator behaves as assumed; a pass on `railway`
settles the assumption. A test that fails on `railway` means the emulator (tests/fake_railway/__init__.py,
"assumed") and the provider must change, not this test.

Run it for real (a Railway workspace token; each test creates, then deletes, a project named
`cartly-infra-it-<random>` in that workspace and touches nothing else):

    CARTLY_INTEGRATION_RAILWAY_TOKEN=... CARTLY_INTEGRATION_RAILWAY_WORKSPACE_ID=... \
        venv/bin/python -m pytest tests/test_railway_assumptions.py -m integration -rP

(`-rP` shows which answer Railway gave for deleted objects; RAILWAY_API_URL overrides the endpoint;
CARTLY_INTEGRATION_RAILWAY_DOMAIN_ZONE the zone of the throwaway custom domains, default example.com.)
Cost: 28 projects created and deleted, about 8 deployments of `nginx:alpine` (the variable, deploy and
rollback tests) that each run a minute or two before their project is deleted: cents at most on a Hobby
or Pro plan. No custom domain is ever verified; no volume or database is created. It takes 10 to 30
minutes, mostly waiting for deploys, for deploys that should not start, and for creation cool-downs. A
leftover `cartly-infra-it-*` project means a teardown failed: its error names it; delete it by hand.
The `railway` path itself can be exercised without Railway by pointing it at the standalone emulator
(`python -m tests.fake_railway --port 4711 --token T`, then the token T, workspace id
3f1c2b8e-7d6a-4c1e-9b3f-000000000001 and RAILWAY_API_URL=http://127.0.0.1:4711/graphql/v2).

Not checked here, on purpose: the Cloudflare 1015 limit and Retry-After on every 429 (would need hammering
Railway past its rate limits), creation cool-down messages (need rapid creates), whether Railway ever
deletes API-created ephemeral environments (takes days), `errors[].extensions.code` (the client matches
messages either way), deploys started by serviceCreate, by environmentCreate from a source, and by shared
variable writes (each costs deployments the provider does not rely on: it deploys explicitly afterwards).
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from components.railway import instance_settings
from components.railway import operations as ops
from components.railway.errors import RailwayAuthError, RailwayError, RailwayNotFound
from components.railway.provider_base import paginate
from tests.railway_target import (
    BASE_ENVIRONMENT,
    TERMINAL,
    RailwayTarget,
    Sandbox,
    emulator_target,
    railway_target_from_env,
    record_statuses,
    wait_until,
)

IMAGE = "nginx:alpine"  # a tiny public image real Railway can pull (the emulator takes any reference)
DEPLOYMENT_STATUSES = TERMINAL | {
    "BUILDING",
    "DEPLOYING",
    "INITIALIZING",
    "NEEDS_APPROVAL",
    "QUEUED",
    "WAITING",
}
# Real Railway gets more than the suite's 120 s per test: a deploy may take 10 minutes, a rollback test two.
TARGETS = [
    pytest.param("emulator"),
    pytest.param("railway", marks=[pytest.mark.integration, pytest.mark.timeout(1800)]),
]


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest) -> RailwayTarget:
    if request.param == "emulator":
        fake = request.getfixturevalue("fake_railway")
        return emulator_target(fake.url, fake.token, fake.workspace_id)
    return railway_target_from_env()


@pytest.fixture
def sandbox(target: RailwayTarget) -> Iterator[Sandbox]:
    box = Sandbox(target).open()
    try:
        yield box
    finally:
        box.close()  # its own error is reported beside the test's, never instead of it


def _domain_name() -> str:
    zone = os.environ.get("CARTLY_INTEGRATION_RAILWAY_DOMAIN_ZONE", "").strip() or "example.com"
    return f"it-{secrets.token_hex(4)}.{zone}"


# --- errors ------------------------------------------------------------------------------------------------

MISSING: dict[str, tuple[str, Callable[[Sandbox, str], dict[str, Any]]]] = {
    "environment": (ops.ENVIRONMENT, lambda box, made_up: {"id": made_up, "projectId": box.project_id}),
    "service": (ops.SERVICE, lambda box, made_up: {"id": made_up}),
    "deployment": (ops.DEPLOYMENT, lambda box, made_up: {"id": made_up}),
    "customDomain": (ops.CUSTOM_DOMAIN, lambda box, made_up: {"id": made_up, "projectId": box.project_id}),
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
    domain = box.create_custom_domain(box.create_service("it-web"), _domain_name())
    box.client.execute(ops.CUSTOM_DOMAIN_DELETE, {"id": domain["id"]})
    return ops.CUSTOM_DOMAIN, {"id": domain["id"], "projectId": box.project_id}


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


# --- projects and environments -----------------------------------------------------------------------------


def test_project_create_gives_exactly_one_environment_named_by_default_environment_name(
    sandbox: Sandbox,
) -> None:
    answered = [edge["node"] for edge in sandbox.project["environments"]["edges"]]
    listed = paginate(sandbox.client, ops.ENVIRONMENTS, {"projectId": sandbox.project_id}, "environments")

    assert len(answered) == 1
    assert len(listed) == 1
    assert answered[0]["name"] == listed[0]["name"] == BASE_ENVIRONMENT
    assert answered[0]["id"] == listed[0]["id"]


def test_environment_create_from_a_source_copies_its_services_with_their_settings(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")
    sandbox.update_instance(service_id, sandbox.base_environment_id, {"startCommand": "echo copied"})

    copy = sandbox.create_environment("it-copy", sourceEnvironmentId=sandbox.base_environment_id)

    assert sandbox.instance(service_id, copy["id"])["startCommand"] == "echo copied"


def test_environment_create_from_a_source_copies_its_service_and_shared_variables(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")
    sandbox.upsert_variables(service_id, {"IT_SERVICE": "one"}, skip_deploys=True)
    sandbox.upsert_variables(None, {"IT_SHARED": "two"}, skip_deploys=True)

    copy_id = sandbox.create_environment("it-copy", sourceEnvironmentId=sandbox.base_environment_id)["id"]

    assert sandbox.variables(service_id, copy_id).get("IT_SERVICE") == "one"
    assert sandbox.variables(None, copy_id).get("IT_SHARED") == "two"


def test_environment_create_from_a_source_copies_none_of_its_domains(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")
    sandbox.create_custom_domain(service_id, _domain_name())
    base = {"environmentId": sandbox.base_environment_id, "serviceId": service_id, "targetPort": 8080}
    sandbox.client.execute(ops.SERVICE_DOMAIN_CREATE, {"input": base})

    copy_id = sandbox.create_environment("it-copy", sourceEnvironmentId=sandbox.base_environment_id)["id"]
    scope = {**sandbox.scope(copy_id), "serviceId": service_id}
    domains = sandbox.client.execute(ops.DOMAINS, scope)["domains"]

    assert domains["customDomains"] == []
    assert domains["serviceDomains"] == []


def test_environment_create_with_ephemeral_marks_it_ephemeral(sandbox: Sandbox) -> None:
    created = sandbox.create_environment(
        "it-pr-1", sourceEnvironmentId=sandbox.base_environment_id, ephemeral=True
    )
    read = sandbox.client.execute(ops.ENVIRONMENT, {"id": created["id"], "projectId": sandbox.project_id})

    assert created["isEphemeral"] is True
    assert read["environment"]["isEphemeral"] is True


# --- services and their settings ---------------------------------------------------------------------------


def test_service_instance_update_with_a_forks_environment_id_changes_only_the_fork(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")
    fork_id = sandbox.create_environment("it-fork", sourceEnvironmentId=sandbox.base_environment_id)["id"]

    sandbox.update_instance(service_id, fork_id, {"startCommand": "echo fork"})

    assert sandbox.instance(service_id, fork_id)["startCommand"] == "echo fork"
    assert sandbox.instance(service_id, sandbox.base_environment_id)["startCommand"] is None


def test_a_new_service_instance_reads_restart_policy_on_failure_with_10_retries(sandbox: Sandbox) -> None:
    instance = sandbox.instance(sandbox.create_service("it-web"), sandbox.base_environment_id)

    assert instance["restartPolicyType"] == "ON_FAILURE"
    assert instance["restartPolicyMaxRetries"] == 10


def test_a_new_service_instance_reads_every_default_the_provider_assumes_or_null(sandbox: Sandbox) -> None:
    # The provider reads null as instance_settings.DEFAULTS; any other value would be drift on every refresh.
    instance = sandbox.instance(sandbox.create_service("it-web"), sandbox.base_environment_id)

    read = {key: instance_settings.from_api(key, instance) for key in instance_settings.DEFAULTS}

    assert read == instance_settings.DEFAULTS


def test_service_instance_update_starts_no_deployment(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")

    sandbox.update_instance(
        service_id,
        sandbox.base_environment_id,
        {"source": {"image": IMAGE}, "startCommand": "nginx -g 'daemon off;'"},
    )
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert sandbox.deployment_ids(service_id) == []


# --- variables ---------------------------------------------------------------------------------------------


def _deployed_service(box: Sandbox, variables: dict[str, str] | None = None) -> tuple[str, int]:
    """A service created with an image (as the provider creates them); its deployment count once settled."""
    service_id = box.create_service("it-web", image=IMAGE, variables=variables)
    box.target.sleep(box.target.quiet_seconds)
    return service_id, len(box.deployment_ids(service_id))


def test_variable_collection_upsert_with_skip_deploys_starts_no_deployment(sandbox: Sandbox) -> None:
    service_id, before = _deployed_service(sandbox)

    sandbox.upsert_variables(service_id, {"IT_QUIET": "1"}, skip_deploys=True)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(sandbox.deployment_ids(service_id)) == before


def test_variable_collection_upsert_without_skip_deploys_starts_one_deployment(sandbox: Sandbox) -> None:
    service_id, before = _deployed_service(sandbox)

    sandbox.upsert_variables(service_id, {"IT_LOUD": "1"}, skip_deploys=False)
    wait_until(sandbox.target, lambda: sandbox.deployment_ids(service_id), lambda ids: len(ids) > before)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(sandbox.deployment_ids(service_id)) == before + 1


def test_variable_delete_starts_one_deployment(sandbox: Sandbox) -> None:
    service_id, before = _deployed_service(sandbox, {"IT_DOOMED": "1"})
    scope = sandbox.scope()

    sandbox.client.execute(
        ops.VARIABLE_DELETE, {"input": {**scope, "serviceId": service_id, "name": "IT_DOOMED"}}
    )
    wait_until(sandbox.target, lambda: sandbox.deployment_ids(service_id), lambda ids: len(ids) > before)
    sandbox.target.sleep(sandbox.target.quiet_seconds)

    assert len(sandbox.deployment_ids(service_id)) == before + 1


def test_variables_unrendered_keeps_references_a_rendered_read_resolves(sandbox: Sandbox) -> None:
    service_id = sandbox.create_service("it-web")
    sandbox.upsert_variables(None, {"IT_TARGET": "hello"}, skip_deploys=True)
    sandbox.upsert_variables(service_id, {"IT_REF": "${{shared.IT_TARGET}}"}, skip_deploys=True)

    unrendered = sandbox.variables(service_id, unrendered=True)
    rendered = sandbox.variables(service_id)

    assert unrendered.get("IT_REF") == "${{shared.IT_TARGET}}"
    assert rendered.get("IT_REF") == "hello"


# --- project tokens ----------------------------------------------------------------------------------------


def test_a_project_token_answers_project_token_with_its_project_and_environment(sandbox: Sandbox) -> None:
    _token, about = sandbox.mint_project_token(sandbox.base_environment_id)

    assert about["projectId"] == sandbox.project_id
    assert about["environmentId"] == sandbox.base_environment_id


def test_a_project_token_cannot_create_an_environment(sandbox: Sandbox) -> None:
    token, _about = sandbox.mint_project_token(sandbox.base_environment_id)

    with sandbox.target.client(token, token_kind="project") as as_token, pytest.raises(RailwayAuthError):
        as_token.execute(ops.ENVIRONMENT_CREATE, {"input": {"projectId": sandbox.project_id, "name": "it-x"}})

    listed = paginate(sandbox.client, ops.ENVIRONMENTS, {"projectId": sandbox.project_id}, "environments")
    assert [env["name"] for env in listed] == [BASE_ENVIRONMENT]


def test_a_project_token_reads_the_variables_of_its_environment_only(sandbox: Sandbox) -> None:
    other_id = sandbox.create_environment("it-other")["id"]
    token, _about = sandbox.mint_project_token(sandbox.base_environment_id)
    own = sandbox.scope()

    with sandbox.target.client(token, token_kind="project") as as_token:
        readable = as_token.execute(ops.VARIABLES, own)["variables"]
        with pytest.raises(RailwayAuthError):
            as_token.execute(ops.VARIABLES, {**own, "environmentId": other_id})

    assert isinstance(readable, dict)


# --- custom domains ----------------------------------------------------------------------------------------


def test_custom_domain_create_answers_dns_records_with_the_txt_verification_host_and_token(
    sandbox: Sandbox,
) -> None:
    status = sandbox.create_custom_domain(sandbox.create_service("it-web"), _domain_name())["status"]
    txt = [r for r in status["dnsRecords"] if r["recordType"] == "DNS_RECORD_TYPE_TXT"]

    assert status["verificationDnsHost"]
    assert status["verificationToken"]
    assert len(txt) == 1
    assert txt[0]["hostlabel"] == status["verificationDnsHost"]
    assert txt[0]["requiredValue"] == status["verificationToken"]


# --- deployments (each costs a tiny deployment on real Railway) ---------------------------------------------


def _service_with_image(box: Sandbox) -> str:
    service_id = box.create_service("it-web")
    box.update_instance(service_id, box.base_environment_id, {"source": {"image": IMAGE}})
    return service_id


def test_service_instance_deploy_v2_returns_a_deployment_id_whose_status_reaches_success(
    sandbox: Sandbox,
) -> None:
    deployment_id = sandbox.deploy(_service_with_image(sandbox))

    seen = sandbox.wait_for_terminal(deployment_id)

    assert set(seen) <= DEPLOYMENT_STATUSES
    assert seen[-1] in TERMINAL, f"no terminal status within the limit: {seen}"
    assert seen[-1] == "SUCCESS"


def test_deployment_rollback_makes_the_replaced_deployment_active_again_without_a_new_one(
    sandbox: Sandbox,
) -> None:
    service_id = _service_with_image(sandbox)
    first = sandbox.deploy(service_id)
    assert sandbox.wait_for_terminal(first)[-1] == "SUCCESS"
    second = sandbox.deploy(service_id)
    assert sandbox.wait_for_terminal(second)[-1] == "SUCCESS"
    replaced = sandbox.deployment(first)
    assert (replaced["status"], replaced["canRollback"]) == ("REMOVED", True)
    before = sandbox.deployment_ids(service_id)

    sandbox.client.execute(ops.DEPLOYMENT_ROLLBACK, {"id": first})
    wait_until(
        sandbox.target, lambda: sandbox.deployment(first)["status"], lambda status: status == "SUCCESS"
    )

    assert sandbox.deployment(first)["status"] == "SUCCESS"
    assert sorted(sandbox.deployment_ids(service_id)) == sorted(before)


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
