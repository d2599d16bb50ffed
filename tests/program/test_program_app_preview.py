"""Under mocks: an app preview (pr-<N>) runs on its own PostgreSQL and Redis, and no secret that reaches
staging's data gets into it; a preview of this repository's PR (infra-pr-<N>) still runs on staging's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.mock_answers import _fake_id
from tests.support.program_runs import of, one, plain, program_run
from tests.support.pulumi_mocks import ProgramRun, is_secret, run_program, stub_secret

STAGING_DATA_KEYS = ("databaseUrl", "redisUrl", "jwtSecret", "b2AccessKey", "b2SecretKey")
DIGEST = "sha256:" + "5e" * 32


def service_id(stack: str, role: str) -> str:
    """The id the mocks give the data service of `role` (tests/support/mock_answers.py)."""
    return _fake_id("Service", f"cartly-data-{role}-service", stack)


def inputs_text(run: ProgramRun) -> str:
    return repr([{k: v for k, v in r.inputs.items() if k != "__provider"} for r in run])


def variables(run: ProgramRun, role: str) -> dict[str, Any]:
    found: dict[str, Any] = plain(one(run, "railway:Variables", f"cartly-{role}-variables"), "variables")
    return found


def test_the_pr_42_plan_declares_its_own_postgres_and_redis_each_with_a_volume() -> None:
    run = program_run("pr-42")
    services = {plain(s, "name"): s for s in of(run, "railway:Service")}
    assert sorted(services) == ["postgres-pr-42", "redis-pr-42"]
    assert plain(services["postgres-pr-42"], "image") == "ghcr.io/railwayapp-templates/postgres-ssl:16"
    assert plain(services["redis-pr-42"], "image") == "railwayapp/redis:8.2"
    volumes = {plain(v, "service_id"): plain(v, "mount_path") for v in of(run, "railway:Volume")}
    assert len(volumes) == 2
    mounted = {role: volumes[service_id("pr-42", role)] for role in ("postgres", "redis")}
    assert mounted == {"postgres": "/var/lib/postgresql/data", "redis": "/bitnami"}
    assert all(is_secret(s.inputs["variables"]) for s in services.values())


def test_no_staging_data_secret_reaches_any_input_of_the_preview() -> None:
    text = inputs_text(program_run("pr-42"))
    leaked = [key for key in STAGING_DATA_KEYS if stub_secret("staging", key) in text]
    assert leaked == []
    # What it does take from staging is there (the run is not simply empty of secrets).
    assert stub_secret("staging", "openrouterApiKey") in text


def test_the_app_reaches_the_previews_own_databases_over_the_private_network() -> None:
    web = variables(program_run("pr-42"), "web")
    assert (
        len(web) == 8
    )  # 7 app variables without B2 (staging holds no preview B2 key) + NODE_ENV, PORT, APP_URL
    assert web["DATABASE_URL"] == (
        "postgresql://postgres:mock-generated-cartly-data-postgres-password"
        "@postgres-pr-42.railway.internal:5432/railway"
    )
    assert (
        web["REDIS_URL"]
        == "redis://default:mock-generated-cartly-data-redis-password@redis-pr-42.railway.internal:6379"
    )
    assert web["JWT_SECRET"] == "mock-generated-cartly-data-jwt-secret"
    assert "B2_ACCESS_KEY" not in web and "B2_SECRET_KEY" not in web
    assert variables(program_run("pr-42"), "worker")["DATABASE_URL"] == web["DATABASE_URL"]


def test_a_preview_only_b2_key_that_staging_holds_is_what_the_preview_gets() -> None:
    from components.stack_outputs import PREVIEW_SECRETS
    from tests.support.mock_answers import CartlyMocks, staging_outputs

    staging = staging_outputs()
    staging[PREVIEW_SECRETS].update(previewB2AccessKey="preview-b2-id", previewB2SecretKey="preview-b2-key")
    run = run_program("pr-42", mocks=CartlyMocks("pr-42", staging=staging))
    web = variables(run, "web")
    assert (web["B2_ACCESS_KEY"], web["B2_SECRET_KEY"]) == ("preview-b2-id", "preview-b2-key")


def test_generated_passwords_are_secret_outputs() -> None:
    secrets = of(program_run("pr-42"), "pulumi-python:dynamic/cartly:GeneratedSecret")
    assert len(secrets) == 3
    assert all(s.options["additional_secret_outputs"] == ["value"] for s in secrets)


def test_the_app_deploys_after_its_databases_and_the_copy_deploys_nothing() -> None:
    run = program_run("pr-42")
    web = one(run, "railway:Deployment", "cartly-web-deployment")
    data = [d.options["urn"] for d in of(run, "railway:Deployment") if d.name.startswith("cartly-data-")]
    assert len(data) == 2
    assert set(data) <= set(web.options["dependencies"])
    assert plain(one(run, "railway:Environment"), "skip_initial_deploys") is True


def test_everything_inside_the_environment_goes_with_it_but_the_data_services() -> None:
    run = program_run("pr-42")
    env = one(run, "railway:Environment").options["urn"]
    railway = [r for r in run if r.type.startswith("pulumi-python:dynamic/")]
    assert len(railway) == 21  # 19, and each data service's ServiceInstance (its image: no source at create)
    not_with_env = sorted(r.name for r in railway if r.options.get("deleted_with") != env)
    # Deleted explicitly: Railway may keep a service whose only environment is gone (README); the project
    # token is a credential, revoked by its own delete.
    assert not_with_env == [
        "cartly-data-postgres-service",
        "cartly-data-redis-service",
        "cartly-environment",
        "cartly-token",
    ]


def test_a_dispatched_digest_is_deployed_as_it_is_without_a_registry_lookup() -> None:
    run = run_program("pr-42", config={"imageDigest": DIGEST})
    image = f"ghcr.io/cartly-app/cartly@{DIGEST}"
    assert run.outputs["image"] == image
    app = [s for s in of(run, "railway:ServiceInstance") if not plain(s, "image_by_tag")]
    assert len(app) == 2  # web and worker; the data services run Railway's template images by tag
    assert {plain(s, "image") for s in app} == {image}
    assert [token for token, _ in run.calls if "getRegistryImage" in token] == []


@pytest.mark.parametrize("digest", ["sha256:abc", "5e" * 32, "sha256:" + "5E" * 32])
def test_a_digest_that_is_not_sha256_hex_is_refused(digest: str) -> None:
    from components.settings.rules import ConfigError

    with pytest.raises(ConfigError, match=r"imageDigest: .* is not sha256: and 64 lowercase hex digits"):
        run_program("pr-42", config={"imageDigest": digest})


def test_an_infra_preview_runs_staging_image_on_stagings_data() -> None:
    run = run_program("infra-pr-7")
    assert of(run, "railway:Volume") == [] and of(run, "railway:Service") == []
    assert run.outputs["appUrl"] == "https://infra-pr-7.cartly.io"
    web = variables(run, "web")
    assert web["DATABASE_URL"] == stub_secret("staging", "databaseUrl")
    assert plain(one(run, "railway:Environment"), "name") == "infra-pr-7"
    tags = [args.get("name") for token, args in run.calls if "getRegistryImage" in token]
    assert tags == ["ghcr.io/cartly-app/cartly:staging"]


def test_a_seed_command_runs_once_after_the_webs_first_deploy() -> None:
    run = run_program("pr-42", config={"previewSeedCommand": "npm run seed"})
    seed = one(run, "railway:Service", "cartly-seed-service")
    assert (plain(seed, "name"), is_secret(seed.inputs["variables"])) == ("seed-pr-42", True)
    settings = one(run, "railway:ServiceInstance", "cartly-seed-settings")
    assert (plain(settings, "start_command"), plain(settings, "restart_policy_type")) == (
        "npm run seed",
        "NEVER",
    )
    assert sorted(settings.options["ignore_changes"]) == ["image", "registry_credentials", "start_command"]
    deployment = one(run, "railway:Deployment", "cartly-seed-deployment")
    assert plain(deployment, "revision") == "seed-once"
    web = one(run, "railway:Deployment", "cartly-web-deployment").options["urn"]
    assert web in deployment.options["dependencies"]


def test_without_a_seed_command_there_is_no_seed() -> None:
    assert [r.name for r in program_run("pr-42") if "seed" in r.name] == []
