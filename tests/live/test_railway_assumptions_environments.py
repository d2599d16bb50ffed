"""Live conformance, environments and service instances: the project's default environment, what a copy
from a source environment takes, ephemeral environments, a fork's own settings, a new instance's defaults.
Runs on the emulator and, marked `integration`, on real Railway (README.md beside it)."""

from __future__ import annotations

from pulumi_railway.api import domains as domain_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.toolkit import instance_settings
from pulumi_railway.toolkit.provider import paginate
from tests.support.railway_sandbox import Sandbox, domain_name
from tests.support.railway_sandbox import sandbox_fixture as sandbox_fixture  # a fixture, used by name
from tests.support.railway_target import BASE_ENVIRONMENT
from tests.support.railway_target import target_fixture as target_fixture  # a fixture, used by name

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
    sandbox.create_custom_domain(service_id, domain_name())
    base = {"environmentId": sandbox.base_environment_id, "serviceId": service_id, "targetPort": 8080}
    sandbox.client.execute(domain_ops.SERVICE_DOMAIN_CREATE, {"input": base})

    copy_id = sandbox.create_environment("it-copy", sourceEnvironmentId=sandbox.base_environment_id)["id"]
    scope = {**sandbox.scope(copy_id), "serviceId": service_id}
    domains = sandbox.client.execute(domain_ops.DOMAINS, scope)["domains"]

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
