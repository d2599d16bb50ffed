"""unlock.yml removes a stack's lock only by hand, inside that stack's environment and concurrency group,
and only after tools/locks.py proved it stale: `pulumi cancel` is its last step, nothing skips the proof."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True)
    return data


def test_it_is_started_by_hand_only_with_a_choice_of_stack() -> None:
    unlock = load("unlock.yml")
    assert list(unlock["on"]) == ["workflow_dispatch"]
    stack = unlock["on"]["workflow_dispatch"]["inputs"]["stack"]
    assert (stack["type"], stack["options"]) == ("choice", ["production", "staging", "infra-pr"])


def test_it_runs_in_the_stacks_environment_and_concurrency_group() -> None:
    [job] = load("unlock.yml")["jobs"].values()
    assert job["environment"] == "${{ inputs.stack == 'infra-pr' && 'previews' || inputs.stack }}"
    group = job["concurrency"]["group"]
    assert "format('preview-stack-{0}', inputs.pr)" in group
    assert "format('stack-{0}', inputs.stack)" in group
    deploys = load("deploy.yml")["jobs"]
    assert [deploys[s]["concurrency"]["group"] for s in ("production", "staging")] == [
        "stack-production",
        "stack-staging",
    ]


def test_pulumi_cancel_is_the_last_step_after_the_proof_and_nothing_skips_it() -> None:
    [job] = load("unlock.yml")["jobs"].values()
    runs = [s for s in job["steps"] if "run" in s]
    assert len(runs) == 4
    proof, cancel = runs[-2], runs[-1]
    assert "tools/locks.py check" in proof["run"]
    assert "--runs runs.jsonl" in proof["run"]
    assert cancel["run"] == 'pulumi cancel --yes --stack "$STACK"'
    assert job["steps"][-1] is cancel
    assert [s for s in job["steps"] if "if" in s or "continue-on-error" in s] == []
    listing = runs[1]["run"]
    assert "for status in queued in_progress waiting pending requested" in listing
