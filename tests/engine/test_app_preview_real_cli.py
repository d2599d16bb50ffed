"""An app pull request's preview (pr-<N>) beside staging, driven by tools/previews.py app-up / app-down
against the real CLI (not the stub) and a fake GitHub: its own PostgreSQL and Redis come up in its own
environment, and after the destroy nothing of it remains while staging is untouched. One emulator and one
backend for the module; the tests run in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi import automation as auto

from components.preview_data import POSTGRES, REDIS
from tests.engine.conftest import Tier
from tests.engine.test_previews_real_cli import run_previews, snapshot
from tests.support.fake_github import FakeGitHub, fake_github

__all__ = ["fake_github"]  # the fixture, imported for pytest

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]  # a module's first test brings its stack up

PR = 42
PREVIEW = f"pr-{PR}"
APP = "cartly-app/cartly"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
IMAGE = f"ghcr.io/{APP}@sha256:" + "a1" * 32
DATA = (f"postgres-{PREVIEW}", f"redis-{PREVIEW}")
IMAGES = {f"postgres-{PREVIEW}": POSTGRES.image, f"redis-{PREVIEW}": REDIS.image}


@dataclass
class Staging:
    outputs: dict[str, Any]
    before: dict[str, Any]  # staging on Railway before the preview existed


@pytest.fixture(scope="module")
def staging(tier: Tier) -> Staging:
    outputs = tier.first_up("staging")
    return Staging(outputs, snapshot(tier, outputs))


@pytest.fixture
def app_env(
    engine_env: None, fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeGitHub]:
    """previews.py's environment as in CI (backend, passphrase, the app repository's token); GitHub confirms
    the pull request is open at COMMIT in the app repository."""
    monkeypatch.setenv("APP_REPOSITORY_TOKEN", "app-repository-token")
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    fake_github.state.pull(PR, head_repo=APP, sha=COMMIT)
    yield fake_github


def live_services(tier: Tier, project_id: str) -> dict[str, str]:
    backend = tier.railway.backend
    return {s.name: s.id for s in backend.services.values() if s.live and s.project_id == project_id}


def test_app_up_brings_the_preview_up_on_its_own_data_services(
    tier: Tier, staging: Staging, app_env: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--pr", str(PR), "--head-repository", APP, "--head-commit", COMMIT, "--image", IMAGE]
    code = run_previews(tier, "app-up", *args)
    assert code == 0, capsys.readouterr().err
    outputs = tier.engine.stack(PREVIEW).outputs()
    env_id = outputs["railwayEnvironmentId"].value
    assert env_id != staging.outputs["railwayEnvironmentId"]
    assert outputs["railwayProjectId"].value == staging.outputs["railwayProjectId"]
    backend = tier.railway.backend
    assert backend.environments[env_id].is_ephemeral
    services = live_services(tier, staging.outputs["railwayProjectId"])
    assert len(services) == 4  # staging's web and worker, the preview's postgres and redis
    assert sorted(services) == sorted(["web", "worker", *DATA])
    for name in DATA:  # each in the preview's environment only, on its volume, deployed from its image
        instances = [i for i in backend.instances.values() if i.live and i.service_id == services[name]]
        assert [i.environment_id for i in instances] == [env_id]
        volumes = [v for v in backend.volume_instances.values() if v.live and v.service_id == services[name]]
        assert len(volumes) == 1
        assert volumes[0].environment_id == env_id
        active = backend.active_deployment(services[name], env_id)
        assert active is not None and active.meta["image"] == IMAGES[name]
    web = backend.variables[(staging.outputs["railwayProjectId"], env_id, services["web"])]
    assert f"@postgres-{PREVIEW}.railway.internal:5432/" in web["DATABASE_URL"]
    assert f"@redis-{PREVIEW}.railway.internal:6379" in web["REDIS_URL"]
    assert snapshot(tier, staging.outputs) == staging.before
    comments = app_env.state.issue_comments(PR)
    assert len(comments) == 1
    assert f"https://{PREVIEW}.cartly.io" in comments[0]


def test_app_down_leaves_nothing_of_the_preview_and_staging_untouched(
    tier: Tier, staging: Staging, app_env: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    env_id = tier.engine.stack(PREVIEW).outputs()["railwayEnvironmentId"].value
    code = run_previews(tier, "app-down", "--pr", str(PR), "--head-repository", APP)
    assert code == 0, capsys.readouterr().err
    backend = tier.railway.backend
    assert backend.environments[env_id].deleted_at is not None
    left = [
        *(i for i in backend.instances.values() if i.live and i.environment_id == env_id),
        *(v for v in backend.volume_instances.values() if v.live and v.environment_id == env_id),
        *(s for s in backend.services.values() if s.live and s.name in DATA),
        *(d for d in backend.custom_domains.values() if d.live and d.environment_id == env_id),
        *(d for d in backend.service_domains.values() if d.live and d.environment_id == env_id),
        *(t for t in backend.project_tokens.values() if t.live and t.environment_id == env_id),
    ]
    assert left == []
    assert sorted(live_services(tier, staging.outputs["railwayProjectId"])) == ["web", "worker"]
    assert snapshot(tier, staging.outputs) == staging.before
    with pytest.raises(auto.StackNotFoundError):
        auto.select_stack(PREVIEW, "cartly-infra", lambda: None, opts=tier.engine.workspace_options())
