"""The app-preview workflows: cartly-infra's app-preview.yml (started by the app's pipeline, one run per
pull request at a time) and app-pipeline/preview.yml (shipped for the app repository: same-repository pull
requests only, the built digest handed over, one secret)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.workflows.test_workflows import DEPENDABOT_GUARD, RULES, SAME_REPO_GUARD, load, triggers

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / ".github" / "workflows" / "app-preview.yml"
APP = REPO / "app-pipeline" / "preview.yml"


def runs(workflow: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for job in workflow["jobs"].values() for s in job.get("steps", []))


def test_app_preview_is_only_started_by_a_dispatch_and_never_cancelled_midway() -> None:
    workflow = load(INFRA)
    assert triggers(workflow) == {"workflow_dispatch"}
    assert set(workflow["on"]["workflow_dispatch"]["inputs"]) == {
        "action",
        "pr",
        "head_repository",
        "head_commit",
        "image",
    }
    (job,) = workflow["jobs"].values()
    assert job["concurrency"] == {"group": "app-preview-${{ inputs.pr }}", "cancel-in-progress": False}
    assert job["permissions"] == {"contents": "read"}


def test_app_preview_hands_every_input_to_the_tool_through_the_environment() -> None:
    workflow = load(INFRA)
    script = runs(workflow)
    assert "previews.py app-up" in script and "previews.py app-down" in script
    assert "${{" not in script
    (job,) = workflow["jobs"].values()
    env = job["steps"][-1]["env"]
    assert env["IMAGE"] == "${{ inputs.image }}" and env["HEAD_COMMIT"] == "${{ inputs.head_commit }}"
    assert env["APP_REPOSITORY_TOKEN"] == "${{ secrets.APP_REPOSITORY_TOKEN }}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_the_shipped_pipeline_keeps_every_workflow_rule(rule: Any) -> None:
    assert rule(load(APP)) == []


def test_the_shipped_pipeline_previews_only_its_own_branches_and_hands_over_the_digest() -> None:
    workflow = load(APP)
    assert triggers(workflow) == {"pull_request"}
    assert workflow["on"]["pull_request"]["types"] == ["opened", "synchronize", "reopened", "closed"]
    jobs = workflow["jobs"]
    assert sorted(jobs) == ["build", "down", "up"]
    assert all(SAME_REPO_GUARD in job["if"] and DEPENDABOT_GUARD in job["if"] for job in jobs.values())
    assert jobs["build"]["uses"] == "./.github/workflows/build.yml"
    assert jobs["up"]["steps"][0]["env"]["IMAGE"] == "${{ needs.build.outputs.image }}"
    script = runs(workflow)
    assert script.count("gh workflow run app-preview.yml") == 2
    assert "-f action=up" in script and "-f action=down" in script
    secrets = {
        v for job in jobs.values() for s in job.get("steps", []) for v in (s.get("env") or {}).values()
    }
    assert {v for v in secrets if "secrets." in v} == {"${{ secrets.CARTLY_INFRA_PREVIEW_TOKEN }}"}
