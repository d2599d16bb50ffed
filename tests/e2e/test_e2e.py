"""End to end (layer 4): the program run by the engine-like mock against the Railway emulator, over many runs.

Each test starts from an empty emulator; `Engine` keeps the stack's state between its `up()`s like a backend.
What Railway saw is asserted through the emulator's request log and state.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine, EngineError, UpResult
from tests.support.pulumi_mocks import stub_secret, unwrap

DEPLOY = "serviceInstanceDeployV2"
UPSERT = "variableCollectionUpsert"


def mutations_since(fake_railway: FakeRailway, start: int) -> list[Any]:
    return [entry for entry in list(fake_railway.backend.requests)[start:] if entry.is_mutation]


def up_and_mutations(fake_railway: FakeRailway, engine: Engine, **changes: Any) -> tuple[UpResult, list[Any]]:
    """`engine.up(**changes)`, which must succeed, and the mutations Railway received during it."""
    start = len(fake_railway.backend.requests)
    result = engine.up(**changes)
    assert result.ok, result.errors
    return result, mutations_since(fake_railway, start)


def root_fields(entries: list[Any]) -> list[str]:
    return sorted(field for entry in entries for field in entry.root_fields)


def targets(entries: list[Any]) -> dict[str, list[str]]:
    """The service ids each variable write and each deploy went to, per mutation."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        for field in entry.root_fields:
            args = entry.variables["input"] if field == UPSERT else entry.variables
            found.setdefault(field, []).append(args["serviceId"])
    return {field: sorted(ids) for field, ids in found.items()}


class TestStagingFromNothing:
    def test_the_first_up_creates_every_railway_resource(self, fake_railway: FakeRailway) -> None:
        result = Engine("staging", railway_token=fake_railway.token).up()
        assert result.ok, result.errors
        per_service = [
            f"cartly-{s}-{r}" for s in ("web", "worker") for r in ("service", "settings", "variables")
        ]
        deployments = ["cartly-web-deployment", "cartly-worker-deployment"]
        domains = ["cartly-web-domain", "cartly-web-railway-domain"]
        expected = [
            "cartly-project",
            "cartly-environment",
            "cartly-token",
            *per_service,
            *deployments,
            *domains,
        ]
        assert len(result.operations) == 14
        assert result.ops("create") == sorted([*expected, "cartly-image-pin"])

    def test_the_app_is_deployed_by_digest_and_healthy(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        outputs = staging.outputs
        backend = fake_railway.backend
        project = backend.projects[outputs["railwayProjectId"]]
        assert project.name == "cartly-staging"
        web_id = outputs["railwayServiceIds"]["web"]
        env_id = outputs["railwayEnvironmentId"]
        active = backend.active_deployment(web_id, env_id)
        assert active is not None and active.id == outputs["deploymentIds"]["web"]
        assert fake_railway.backend.health_status(outputs["healthDomain"]) == 200
        assert outputs["image"].startswith("ghcr.io/cartly-app/cartly@sha256:")

    def test_the_railway_environment_is_named_staging_and_is_the_projects_only_one(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        project_id = staging.outputs["railwayProjectId"]
        envs = [e for e in fake_railway.backend.environments.values() if e.project_id == project_id]
        assert len(envs) == 1
        assert (envs[0].id, envs[0].name) == (staging.outputs["railwayEnvironmentId"], "staging")

    def test_the_dns_records_to_create_are_railways_routing_and_verification_records_once(
        self, staging: Engine
    ) -> None:
        records = staging.outputs["dnsRecords"]
        assert len(records) == 2
        kinds = sorted(record["record_type"] for record in records)
        assert kinds == ["DNS_RECORD_TYPE_CNAME", "DNS_RECORD_TYPE_TXT"]
        assert all(record.get("required_value") for record in records)

    def test_each_service_has_its_variables_in_the_environment(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        outputs = staging.outputs
        key = (
            outputs["railwayProjectId"],
            outputs["railwayEnvironmentId"],
            outputs["railwayServiceIds"]["web"],
        )
        web = fake_railway.backend.variables[key]
        assert web["JWT_SECRET"] == stub_secret("staging", "jwtSecret")
        assert (web["PORT"], web["APP_URL"]) == ("3000", "https://staging.cartly.io")
        worker_key = (key[0], key[1], outputs["railwayServiceIds"]["worker"])
        assert "JWT_SECRET" not in fake_railway.backend.variables[worker_key]


class TestGithubWiring:
    def test_the_app_repository_receives_the_release_token_and_no_railway_credential(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        again = staging.up()
        assert again.ok and again.run is not None
        secrets = [r for r in again.run if r.type.endswith("ActionsEnvironmentSecret")]
        assert [unwrap(r.inputs["secretName"]) for r in secrets] == ["CARTLY_INFRA_RELEASE_TOKEN"]
        assert unwrap(secrets[0].inputs["value"]) == stub_secret("staging", "releaseDispatchToken")

    def test_the_exported_project_token_works_for_the_staging_environment_only(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        token = staging.outputs["railwayProjectToken"]
        client = RailwayClient(token, token_kind="project", endpoint=fake_railway.url)
        seen = client.execute(ops.PROJECT_TOKEN)["projectToken"]
        assert seen["environmentId"] == staging.outputs["railwayEnvironmentId"]
        assert seen["projectId"] == staging.outputs["railwayProjectId"]


class TestNoChange:
    def test_the_same_program_again_sends_no_mutation(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        again, sent = up_and_mutations(fake_railway, staging)
        assert len(again.operations) == 14
        assert again.ops("same") == sorted(name for _, name in again.operations)
        assert sent == []

    def test_the_outputs_are_the_same_too(self, staging: Engine) -> None:
        before = dict(staging.outputs)
        assert staging.up().ok
        assert staging.outputs == before


class TestOneSecretChanged:
    def test_a_web_only_secret_is_one_variable_write_and_one_web_deploy(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        result, sent = up_and_mutations(fake_railway, staging, secrets={"jwtSecret": "a-new-signing-secret"})
        assert root_fields(sent) == [DEPLOY, UPSERT]
        web = staging.outputs["railwayServiceIds"]["web"]
        assert targets(sent) == {UPSERT: [web], DEPLOY: [web]}
        upsert = next(e.variables["input"] for e in sent if UPSERT in e.root_fields)
        assert (upsert["skipDeploys"], upsert["variables"]) == (True, {"JWT_SECRET": "a-new-signing-secret"})
        assert result.ops("update") == ["cartly-web-deployment", "cartly-web-variables"]

    def test_a_shared_secret_is_one_write_and_one_deploy_per_service(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        result, sent = up_and_mutations(
            fake_railway, staging, secrets={"databaseUrl": "postgres://new@db:5432/cartly"}
        )
        assert root_fields(sent) == [DEPLOY, DEPLOY, UPSERT, UPSERT]
        services = staging.outputs["railwayServiceIds"]
        both = sorted([services["web"], services["worker"]])
        assert targets(sent) == {UPSERT: both, DEPLOY: both}
        assert len(result.ops("update")) == 4


class TestPreviewNextToStaging:
    def test_a_preview_forks_staging_and_its_destroy_leaves_staging_untouched(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        backend = fake_railway.backend
        staging_env = staging.outputs["railwayEnvironmentId"]
        before = snapshot(backend, staging.outputs)
        preview = Engine("infra-pr-42", railway_token=fake_railway.token, staging=staging)
        start = len(backend.requests)
        up = preview.up()
        assert up.ok, up.errors
        env_id = preview.outputs["railwayEnvironmentId"]
        assert env_id != staging_env
        assert backend.environments[env_id].is_ephemeral
        assert preview.outputs["appUrl"] == "https://infra-pr-42.cartly.io"
        deleted = preview.destroy()
        assert len(deleted) == len(up.operations) == 10
        assert backend.environments[env_id].deleted_at is not None
        touching = [e for e in mutations_since(fake_railway, start) if _mentions(e.variables, staging_env)]
        assert [e.operation_name for e in touching] == ["EnvironmentCreate"]  # as the fork's source only
        assert snapshot(backend, staging.outputs) == before


def snapshot(backend: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    """What staging looks like on Railway: its environment, variables, active deployments and domains."""
    project, env = outputs["railwayProjectId"], outputs["railwayEnvironmentId"]
    services = outputs["railwayServiceIds"]
    return {
        "env_deleted": backend.environments[env].deleted_at,
        "variables": {role: dict(backend.variables[(project, env, sid)]) for role, sid in services.items()},
        "active": {role: backend.active_deployment(sid, env).id for role, sid in services.items()},
        "health": backend.health_status(outputs["healthDomain"]),
    }


def _mentions(value: Any, needle: str) -> bool:
    if isinstance(value, dict):
        return any(_mentions(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, needle) for v in value)
    return value == needle


class TestFailingHealthGate:
    def test_a_failing_gate_rolls_back_and_fails_the_run_saying_so(
        self, fake_railway: FakeRailway, staging: Engine
    ) -> None:
        backend = fake_railway.backend
        web = staging.outputs["railwayServiceIds"]["web"]
        env = staging.outputs["railwayEnvironmentId"]
        good = staging.outputs["deploymentIds"]["web"]
        backend.set_health(staging.outputs["healthDomain"], False)
        result = staging.up(secrets={"jwtSecret": "rotated"})
        assert not result.ok
        assert len(result.errors) == 1
        message = result.errors[0]
        assert "cartly-web-deployment" in message
        assert "rolled back" in message.lower() and good in message
        active = backend.active_deployment(web, env)
        assert active is not None and active.meta.get("rollbackFrom") == good  # Railway's new deployment
        assert backend.count("DeploymentRollback") == 1


class TestProtection:
    def test_destroying_production_is_refused_because_of_protect(self, fake_railway: FakeRailway) -> None:
        production = Engine("production", railway_token=fake_railway.token)
        assert production.up().ok
        start = len(fake_railway.backend.requests)
        with pytest.raises(
            EngineError, match=r"cartly-environment, cartly-image-pin, cartly-project, cartly-token"
        ):
            production.destroy()
        assert mutations_since(fake_railway, start) == []
