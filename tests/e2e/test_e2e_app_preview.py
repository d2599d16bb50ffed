"""End to end: an app preview (pr-<N>) beside staging, against the emulator: up from nothing on its own
PostgreSQL and Redis, a push of a new digest, destroy. Nothing of the preview remains; staging is untouched.
"""

from __future__ import annotations

from typing import Any

import pytest

from testkit.fake_railway.pytest_plugin import FakeRailway
from testkit.mock_engine import Engine
from tests.e2e.test_e2e import mutations_since, snapshot
from tests.support.pulumi_mocks import stub_secret

DIGEST = "sha256:" + "a1" * 32
PUSHED = "sha256:" + "b2" * 32
STATUS_WAITS = ("Deployment",)  # polls of a deployment's status while it builds and starts
STAGING_DATA = ("databaseUrl", "redisUrl", "jwtSecret", "b2AccessKey", "b2SecretKey")


@pytest.fixture
def preview(fake_railway: FakeRailway, staging: Engine) -> Engine:
    engine = Engine("pr-42", railway_token=fake_railway.token, staging=staging)
    up = engine.up(config={"imageDigest": DIGEST})
    assert up.ok, up.errors
    return engine


def requests_since(fake_railway: FakeRailway, start: int) -> list[Any]:
    return list(fake_railway.backend.requests)[start:]


def preview_variables(fake_railway: FakeRailway, env_id: str) -> dict[str, dict[str, str]]:
    backend = fake_railway.backend
    names = {s.id: s.name for s in backend.services.values()}
    return {names[key[2] or ""]: values for key, values in backend.variables.items() if key[1] == env_id}


def test_up_from_nothing_costs_at_most_40_requests_besides_status_waits(
    fake_railway: FakeRailway, staging: Engine
) -> None:
    start = len(fake_railway.backend.requests)
    engine = Engine("pr-42", railway_token=fake_railway.token, staging=staging)
    up = engine.up(config={"imageDigest": DIGEST})
    assert up.ok, up.errors
    sent = requests_since(fake_railway, start)
    budget = [entry for entry in sent if entry.operation_name not in STATUS_WAITS]
    assert len(budget) <= 40, sorted(str(entry.operation_name) for entry in budget)
    assert len([entry for entry in sent if entry.is_mutation]) <= 20


def test_the_preview_runs_the_digest_on_its_own_databases(fake_railway: FakeRailway, preview: Engine) -> None:
    backend = fake_railway.backend
    env_id = preview.outputs["railwayEnvironmentId"]
    assert preview.outputs["image"] == f"ghcr.io/cartly-app/cartly@{DIGEST}"
    variables = preview_variables(fake_railway, env_id)
    assert sorted(variables) == ["postgres-pr-42", "redis-pr-42", "web", "worker"]
    password = variables["postgres-pr-42"]["POSTGRES_PASSWORD"]
    assert len(password) >= 40
    assert variables["web"]["DATABASE_URL"] == (
        f"postgresql://postgres:{password}@postgres-pr-42.railway.internal:5432/railway"
    )
    redis = variables["redis-pr-42"]["REDIS_PASSWORD"]
    assert variables["worker"]["REDIS_URL"] == f"redis://default:{redis}@redis-pr-42.railway.internal:6379"
    mounts = sorted(
        i.mount_path for i in backend.volume_instances.values() if i.live and i.environment_id == env_id
    )
    assert mounts == ["/bitnami", "/var/lib/postgresql/data"]
    web = preview.outputs["railwayServiceIds"]["web"]
    assert backend.health_status(preview.outputs["healthDomain"]) == 200
    assert backend.active_deployment(web, env_id) is not None


def test_no_value_of_stagings_data_secrets_is_anywhere_in_the_preview_environment(
    fake_railway: FakeRailway, preview: Engine
) -> None:
    env_id = preview.outputs["railwayEnvironmentId"]
    values = [v for found in preview_variables(fake_railway, env_id).values() for v in found.values()]
    assert len(values) == 20  # web 8 + worker 7 + postgres 4 + redis 1
    staging_values = {stub_secret("staging", key) for key in STAGING_DATA}
    assert [v for v in values if any(s in v for s in staging_values)] == []


def test_a_pushed_digest_redeploys_web_and_worker_and_keeps_the_data(
    fake_railway: FakeRailway, preview: Engine
) -> None:
    backend = fake_railway.backend
    env_id = preview.outputs["railwayEnvironmentId"]
    before = preview_variables(fake_railway, env_id)
    start = len(backend.requests)
    up = preview.up(config={"imageDigest": PUSHED})
    assert up.ok, up.errors
    deploys = [e for e in mutations_since(fake_railway, start) if "serviceInstanceDeployV2" in e.root_fields]
    ids = preview.outputs["railwayServiceIds"]
    assert sorted(e.variables["serviceId"] for e in deploys) == sorted([ids["web"], ids["worker"]])
    assert preview_variables(fake_railway, env_id) == before  # same passwords, same URLs
    assert up.ops("create") == [] and up.ops("delete") == []


def test_destroy_takes_at_most_4_mutations_and_leaves_nothing_of_the_preview(
    fake_railway: FakeRailway, staging: Engine, preview: Engine
) -> None:
    backend = fake_railway.backend
    env_id = preview.outputs["railwayEnvironmentId"]
    before = snapshot(backend, staging.outputs)
    start = len(backend.requests)
    preview.destroy()
    mutations = mutations_since(fake_railway, start)
    # The environment, the two data services, and the project token (a credential is revoked by its own
    # delete, never left to the environment's).
    assert 1 <= len(mutations) <= 4, [e.operation_name for e in mutations]
    assert backend.environments[env_id].deleted_at is not None
    left = [
        *(i for i in backend.instances.values() if i.live and i.environment_id == env_id),
        *(s for s in backend.services.values() if s.live and s.name.endswith("-pr-42")),
        *(v for v in backend.volumes.values() if v.live),
        *(d for d in backend.custom_domains.values() if d.live and d.environment_id == env_id),
        *(t for t in backend.project_tokens.values() if t.live and t.environment_id == env_id),
    ]
    assert left == []
    assert preview_variables(fake_railway, env_id) == {}
    assert snapshot(backend, staging.outputs) == before


def test_the_same_pull_request_comes_back_after_a_destroy(fake_railway: FakeRailway, preview: Engine) -> None:
    preview.destroy()
    again = preview.up(config={"imageDigest": PUSHED})
    assert again.ok, again.errors
    assert fake_railway.backend.health_status(preview.outputs["healthDomain"]) == 200


def test_the_seed_runs_once_and_goes_with_the_preview(fake_railway: FakeRailway, staging: Engine) -> None:
    backend = fake_railway.backend
    engine = Engine("pr-42", railway_token=fake_railway.token, staging=staging)
    config = {"imageDigest": DIGEST, "previewSeedCommand": "npm run seed"}
    assert engine.up(config=config).ok
    seed = [s for s in backend.services.values() if s.live and s.name == "seed-pr-42"]
    assert len(seed) == 1
    env_id = engine.outputs["railwayEnvironmentId"]
    instance = backend.instance(seed[0].id, env_id)
    assert (instance.settings["startCommand"], instance.settings["restartPolicyType"]) == (
        "npm run seed",
        "NEVER",
    )
    assert seed_deploys(fake_railway, seed[0].id) == 1
    assert engine.up(config={**config, "imageDigest": PUSHED}).ok
    assert seed_deploys(fake_railway, seed[0].id) == 1  # a push does not seed again
    start = len(backend.requests)
    engine.destroy()
    assert [e.operation_name for e in mutations_since(fake_railway, start)].count("ServiceDelete") == 3
    assert [s for s in backend.services.values() if s.live and s.name.endswith("-pr-42")] == []


def seed_deploys(fake_railway: FakeRailway, service_id: str) -> int:
    """Deploys of the seed service this program asked for (Railway's own deploy at serviceCreate aside)."""
    sent = [e for e in list(fake_railway.backend.requests) if "serviceInstanceDeployV2" in e.root_fields]
    return sum(1 for e in sent if e.variables["serviceId"] == service_id)
