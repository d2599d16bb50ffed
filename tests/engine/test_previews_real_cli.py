"""A preview stack beside staging, driven by tools/previews.py against the real CLI (not the stub), and what
every stack's state holds. One emulator and one backend for the module; the tests run in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from testkit.fake_railway.state import WORKSPACE_TOKEN
from tests.engine.conftest import Tier, provider_pickles
from tools import previews
from tools.preview_stacks import stack_name

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]  # a module's first test brings its stack up

PR = 7
PREVIEW = stack_name(PR)  # infra-pr-7


@pytest.fixture(scope="module")
def staging(tier: Tier) -> dict[str, Any]:
    return tier.first_up("staging")


def snapshot(tier: Tier, outputs: dict[str, Any]) -> dict[str, Any]:
    """Staging on Railway: its environment, variables and active deployments."""
    backend = tier.railway.backend
    project, env = outputs["railwayProjectId"], outputs["railwayEnvironmentId"]
    services = outputs["railwayServiceIds"]
    active = {role: backend.active_deployment(sid, env) for role, sid in services.items()}
    return {
        "env_deleted": backend.environments[env].deleted_at,
        "variables": {role: dict(backend.variables[(project, env, sid)]) for role, sid in services.items()},
        "active": {role: deployment.id if deployment else None for role, deployment in active.items()},
    }


def run_previews(tier: Tier, *args: str) -> int:
    return previews.main(["--project-dir", str(tier.engine.project_dir), *args])


def test_previews_py_up_creates_the_preview_in_its_own_ephemeral_environment_of_stagings_project(
    tier: Tier, staging: dict[str, Any], engine_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    code = run_previews(tier, "up", "--pr", str(PR), "--image-tag", "staging", "--summary-file", str(summary))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert f"https://{PREVIEW}.cartly.io" in summary.read_text()
    outputs = tier.engine.stack(PREVIEW).outputs()
    env_id = outputs["railwayEnvironmentId"].value
    assert env_id != staging["railwayEnvironmentId"]
    assert outputs["railwayProjectId"].value == staging["railwayProjectId"]
    assert tier.railway.backend.environments[env_id].is_ephemeral


def test_previews_py_list_shows_the_preview(
    tier: Tier, staging: dict[str, Any], engine_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_previews(tier, "list") == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if PREVIEW in line]
    assert len(listed) == 1


def test_no_stack_export_holds_a_secret_in_plain_text_pickled_providers_included(
    tier: Tier, staging: dict[str, Any]
) -> None:
    sentinels = tier.sentinels()
    assert len(sentinels) == 9
    for stack in ("staging", PREVIEW):
        export = tier.engine.export(stack)
        assert [s for s in sentinels if s in export] == [], stack
        # The engine stores each `__provider` as a secret: decrypt it (--show-secrets) to search the pickles.
        shown = tier.engine.cli("stack", "export", "--show-secrets", "--stack", stack).stdout
        pickles = provider_pickles(shown)
        assert len(pickles) >= 9, stack  # every dynamic resource carries its provider
        found = [s for s in [*sentinels, WORKSPACE_TOKEN] for p in pickles if s.encode() in p]
        assert found == [], stack
    on_disk = [p for p in tier.engine.backend.rglob("*") if p.is_file()]
    assert on_disk
    for path in on_disk:
        data = path.read_bytes()
        assert [s for s in sentinels if s.encode() in data] == [], path


def test_previews_py_destroy_deletes_the_environment_in_at_most_3_mutations_and_leaves_staging_untouched(
    tier: Tier, staging: dict[str, Any], engine_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    env_id = tier.engine.stack(PREVIEW).outputs()["railwayEnvironmentId"].value
    before = snapshot(tier, staging)
    start = tier.mark()
    code = run_previews(tier, "destroy", "--pr", str(PR))
    assert code == 0, capsys.readouterr().err
    sent = tier.mutations_since(start)
    assert len(sent) <= 3
    fields = sorted(f for entry in sent for f in entry.root_fields)
    assert fields == ["environmentDelete", "projectTokenDelete"]
    assert tier.railway.backend.environments[env_id].deleted_at is not None
    assert snapshot(tier, staging) == before
    with pytest.raises(auto.StackNotFoundError):
        auto.select_stack(PREVIEW, "cartly-infra", lambda: None, opts=tier.engine.workspace_options())
