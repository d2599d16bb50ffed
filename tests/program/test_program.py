"""The program under Pulumi mocks (layer 3), config from the real stack files: what each stack declares."""

from __future__ import annotations

import re

import pytest

from components.stack_outputs import ENVIRONMENT_ID, PROJECT_ID, SERVICE_IDS
from tests.support.mock_answers import staging_outputs
from tests.support.program_runs import STACKS, app_instances, counts, one, plain, program_run
from tests.support.pulumi_mocks import is_secret, run_program, stub_secret

RAILWAY_COMMON = {
    "cartly:image:GhcrImage": 1,
    "cartly:cartly_stack:CartlyStack": 1,
    "cartly:railway_environment:RailwayEnvironment": 1,
    "pulumi:providers:docker": 1,
    "railway:CustomDomain": 1,
    "railway:Deployment": 2,
    "railway:Environment": 1,
    "railway:ProjectToken": 1,
    "railway:ServiceDomain": 1,
    "railway:ServiceInstance": 2,
    "railway:Variables": 2,
}
LONG_LIVED = {
    **RAILWAY_COMMON,
    "railway:Project": 1,
    "railway:Service": 2,
    "cartly:github_actions:GithubActions": 1,
    "pulumi-python:dynamic/cartly:ImagePin": 1,
}
GITHUB_ENVIRONMENT = {"github:RepositoryEnvironment": 1, "github:RepositoryEnvironmentDeploymentPolicy": 1}
EXPECTED_COUNTS = {
    "production": {
        **LONG_LIVED,
        # The app repository's production environment, and this repository's production, staging and
        # previews (two with a branch policy and the Slack token the deploys report with).
        "cartly:infra_environments:InfraEnvironments": 1,
        "github:RepositoryEnvironment": 1 + 3,
        "github:RepositoryEnvironmentDeploymentPolicy": 1 + 2,
        "github:ActionsEnvironmentSecret": 1 + 2,
        "github:ActionsEnvironmentVariable": 1,
        "github:ActionsSecret": 1,
        "github:BranchProtection": 1,
    },
    "staging": {
        **LONG_LIVED,
        **GITHUB_ENVIRONMENT,
        "github:ActionsEnvironmentSecret": 1,
        "github:ActionsEnvironmentVariable": 1,
    },
    "pr-42": {
        **RAILWAY_COMMON,
        "pulumi:pulumi:StackReference": 1,
        # Its own PostgreSQL and Redis: a service, its settings (the image), a volume, a password and a
        # deployment each; a JWT key.
        "cartly:preview:PreviewData": 1,
        "pulumi-python:dynamic/cartly:GeneratedSecret": 3,
        "railway:Deployment": 4,
        "railway:Service": 2,
        "railway:ServiceInstance": 4,
        "railway:Volume": 2,
    },
}
DOMAINS = {"production": "app.cartly.io", "staging": "staging.cartly.io", "pr-42": "pr-42.cartly.io"}
REPLICAS = {"production": (2, 2), "staging": (1, 1), "pr-42": (1, 1)}


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_declares_exactly_these_resources(stack: str) -> None:
    assert counts(program_run(stack)) == dict(sorted(EXPECTED_COUNTS[stack].items()))


@pytest.mark.parametrize("stack", STACKS)
def test_the_custom_domain_is_the_stacks_and_routes_to_web_on_3000(stack: str) -> None:
    domain = one(program_run(stack), "railway:CustomDomain")
    assert (plain(domain, "domain"), plain(domain, "target_port")) == (DOMAINS[stack], 3000)
    assert plain(one(program_run(stack), "railway:ServiceDomain"), "target_port") == 3000
    assert program_run(stack).outputs["appUrl"] == f"https://{DOMAINS[stack]}"


@pytest.mark.parametrize("stack", STACKS)
def test_both_services_check_health_on_slash_health_with_the_stacks_replicas(stack: str) -> None:
    run = program_run(stack)
    web, worker = (
        one(run, "railway:ServiceInstance", "cartly-web-settings"),
        one(run, "railway:ServiceInstance", "cartly-worker-settings"),
    )
    assert [plain(s, "healthcheck_path") for s in (web, worker)] == ["/health", "/health"]
    assert (plain(web, "num_replicas"), plain(worker, "num_replicas")) == REPLICAS[stack]
    assert {plain(s, "region") for s in (web, worker)} == {"us-west2"}
    assert {plain(s, "restart_policy_type") for s in (web, worker)} == {"ON_FAILURE"}


@pytest.mark.parametrize("stack", STACKS)
def test_migrations_run_as_the_web_pre_deploy_command_only(stack: str) -> None:
    run = program_run(stack)
    web = one(run, "railway:ServiceInstance", "cartly-web-settings")
    assert plain(web, "pre_deploy_command") == "npx prisma migrate deploy"
    assert plain(one(run, "railway:ServiceInstance", "cartly-worker-settings"), "pre_deploy_command") is None


@pytest.mark.parametrize("stack", STACKS)
def test_services_listen_on_3000_and_3001_with_the_stacks_app_url(stack: str) -> None:
    run = program_run(stack)
    web = plain(one(run, "railway:Variables", "cartly-web-variables"), "variables")
    worker = plain(one(run, "railway:Variables", "cartly-worker-variables"), "variables")
    assert (web["PORT"], worker["PORT"]) == ("3000", "3001")
    assert web["APP_URL"] == worker["APP_URL"] == f"https://{DOMAINS[stack]}"
    assert web["NODE_ENV"] == "production"


def test_the_worker_gets_every_app_secret_but_the_jwt_secret() -> None:
    run = program_run("staging")
    web = plain(one(run, "railway:Variables", "cartly-web-variables"), "variables")
    worker = plain(one(run, "railway:Variables", "cartly-worker-variables"), "variables")
    assert len(web) == 10 and len(worker) == 9
    assert set(web) - set(worker) == {"JWT_SECRET"}


@pytest.mark.parametrize("stack", STACKS)
def test_railway_runs_the_image_by_digest_resolved_from_the_stacks_tag(stack: str) -> None:
    run = program_run(stack)
    lookups = [args for token, args in run.calls if token.startswith("docker:index/getRegistryImage")]
    tag = {"production": "main", "staging": "staging", "pr-42": "pr-42"}[stack]
    assert [args["name"] for args in lookups] == [f"ghcr.io/cartly-app/cartly:{tag}"]
    images = [plain(s, "image") for s in app_instances(run)]
    assert len(images) == 2
    for image in images:
        assert re.fullmatch(r"ghcr\.io/cartly-app/cartly@sha256:[0-9a-f]{64}", image)
    assert run.outputs["image"] == images[0]


@pytest.mark.parametrize("stack", STACKS)
def test_the_web_deploy_is_gated_on_the_railway_domain_and_the_worker_on_success(stack: str) -> None:
    run = program_run(stack)
    web = one(run, "railway:Deployment", "cartly-web-deployment")
    worker = one(run, "railway:Deployment", "cartly-worker-deployment")
    assert plain(web, "health_domain") == run.outputs["healthDomain"]
    assert plain(web, "health_domain").endswith(".up.railway.app")
    assert plain(worker, "health_domain") is None
    assert plain(web, "health_path") == "/health"
    assert re.fullmatch(r"[0-9a-f]{64}", plain(web, "revision"))


def test_a_different_image_tag_changes_both_revisions() -> None:
    before = program_run("staging")
    after = run_program("staging", config={"imageTag": "staging-abc1234"})
    for name in ("cartly-web-deployment", "cartly-worker-deployment"):
        old, new = one(before, "railway:Deployment", name), one(after, "railway:Deployment", name)
        assert plain(old, "revision") != plain(new, "revision")


def test_production_protects_every_resource_it_declares() -> None:
    """The real CLI's destroy deletes every unprotected resource before refusing on a protected one."""
    run = program_run("production")
    assert len(run) > 20
    assert [r.name for r in run if not r.options["protect"]] == []


@pytest.mark.parametrize("stack", ["staging", "pr-42"])
def test_other_stacks_protect_nothing(stack: str) -> None:
    assert [r.name for r in program_run(stack) if r.options["protect"]] == []


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_long_lived_stacks_adopt_their_projects_default_environment_named_after_the_stack(stack: str) -> None:
    env = one(program_run(stack), "railway:Environment")
    assert (plain(env, "name"), plain(env, "adopt")) == (stack, True)
    project = one(program_run(stack), "railway:Project")
    assert plain(project, "name") == f"cartly-{stack}"


def test_a_preview_forks_the_staging_environment_and_reuses_its_services() -> None:
    run, staging = program_run("pr-42"), staging_outputs()
    env = one(run, "railway:Environment")
    assert plain(env, "name") == "pr-42"
    assert plain(env, "ephemeral") is True
    assert plain(env, "source_environment_id") == staging[ENVIRONMENT_ID]
    assert plain(env, "project_id") == staging[PROJECT_ID]
    service_ids = {plain(s, "service_id") for s in app_instances(run)}
    assert service_ids == set(staging[SERVICE_IDS].values())
    ref = one(run, "pulumi:pulumi:StackReference")
    assert plain(ref, "name") == "organization/cartly-infra/staging"


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_hangs_under_the_stack_component_with_a_prefixed_name(stack: str) -> None:
    run = program_run(stack)
    assert len(run) > 10
    parents = {r.options["urn"]: r.options["parent"] for r in run}
    for resource in run:
        assert resource.name.startswith("cartly"), resource.name
        if resource.type != "cartly:cartly_stack:CartlyStack":
            # Its parent, or its parent's parent (a preview's data services hang under PreviewData).
            parent = resource.options["parent"]
            chain = f"{parent} {parents.get(parent, '')}"
            assert "cartly:cartly_stack:CartlyStack" in chain, resource.name


@pytest.mark.parametrize("stack", STACKS)
def test_every_railway_resource_hangs_under_the_railway_environment_aliased_to_its_old_place(
    stack: str,
) -> None:
    run = program_run(stack)
    stack_urn = run.named("cartly").options["urn"]
    railway = [r for r in run if r.type.startswith("pulumi-python:dynamic/railway:")]
    # An app preview's own data (PreviewData's) is new: it has no old place to be aliased to.
    railway = [r for r in railway if not r.name.startswith("cartly-data-")]
    assert len(railway) >= 10
    for resource in railway:
        assert resource.options["parent"].endswith(
            "cartly:railway_environment:RailwayEnvironment::cartly-railway"
        )
        # Where it stood before the component existed: an existing stack updates it in place.
        assert {"parentUrn": stack_urn} in resource.options["aliases"], resource.name


@pytest.mark.parametrize(
    ("name", "old_type"),
    [("cartly", "cartly:stack:CartlyStack"), ("cartly-github", "cartly:github:GithubActions")],
)
def test_renamed_components_keep_their_old_type_as_an_alias(name: str, old_type: str) -> None:
    aliases = program_run("production").named(name).options["aliases"]
    assert len(aliases) == 1
    assert aliases[0]["type"] == old_type


@pytest.mark.parametrize("stack", STACKS)
def test_the_stack_exports_ids_digest_deployments_and_dns_records(stack: str) -> None:
    outputs = program_run(stack).outputs
    assert set(outputs["railwayServiceIds"]) == set(outputs["deploymentIds"]) == {"web", "worker"}
    assert outputs["imageDigest"].startswith("sha256:")
    records = outputs["dnsRecords"]
    assert [r["record_type"] for r in records] == ["DNS_RECORD_TYPE_CNAME", "DNS_RECORD_TYPE_TXT"]
    assert records[0]["fqdn"] == DOMAINS[stack]


def test_with_a_build_context_the_image_is_built_and_pushed_with_a_secret_password() -> None:
    run = run_program("staging", config={"imageBuildContext": "../cartly"})
    image = one(run, "docker:index/image:Image")
    assert plain(image, "imageName") == "ghcr.io/cartly-app/cartly:staging"
    assert plain(image, "build")["context"] == "../cartly"
    assert is_secret(image.inputs["registry"])
    assert plain(image, "registry")["password"] == stub_secret("staging", "ghcrToken")
    assert [t for t, _ in run.calls if t.startswith("docker:")] == []
    assert plain(one(run, "railway:ServiceInstance", "cartly-web-settings"), "image") == (
        f"ghcr.io/cartly-app/cartly@sha256:{'ab' * 32}"
    )


def test_a_configured_project_id_is_adopted_rather_than_created() -> None:
    adopt = "0f0e0d0c-0b0a-4908-8706-050403020100"
    run = run_program("staging", config={"railwayProjectId": adopt})
    assert plain(one(run, "railway:Project"), "project_id") == adopt
    assert plain(one(program_run("staging"), "railway:Project"), "project_id") is None
