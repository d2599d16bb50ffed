"""One Pulumi CLI pin: `.pulumi-version` (read by scripts/pulumi-cli) is what every workflow installs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ENV_REF = re.compile(r"^\$\{\{\s*env\.([A-Za-z_]+)\s*\}\}$")


def pin() -> str:
    return (REPO / ".pulumi-version").read_text().strip()


def installed_versions(workflow: dict[str, Any]) -> list[str]:
    """Every `pulumi-version` a pulumi/actions step is given, env references resolved (workflow, job)."""
    found: list[str] = []
    top_env = workflow.get("env") or {}
    for job in (workflow.get("jobs") or {}).values():
        env = {**top_env, **(job.get("env") or {})}
        for step in job.get("steps") or []:
            if not str(step.get("uses", "")).startswith("pulumi/actions@"):
                continue
            given = str((step.get("with") or {}).get("pulumi-version", ""))
            ref = ENV_REF.match(given)
            found.append(str(env.get(ref.group(1), "")) if ref else given)
    return found


def test_the_pin_is_one_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin()), ".pulumi-version must hold a version like 3.274.1"


def test_every_workflow_that_installs_the_cli_installs_the_pin() -> None:
    per_workflow = {path.name: installed_versions(yaml.safe_load(path.read_text())) for path in WORKFLOWS}
    installing = {name: versions for name, versions in per_workflow.items() if versions}
    assert len(installing) >= 4  # deploy, pr-stacks, reap-previews, test
    for name, versions in installing.items():
        assert versions == [pin()] * len(versions), f"{name} installs {versions}, the pin is {pin()}"


def test_an_unpinned_step_is_caught() -> None:
    workflow = {
        "env": {"PULUMI_VERSION": "3.1.0"},
        "jobs": {
            "j": {
                "steps": [
                    {"uses": "pulumi/actions@x", "with": {"pulumi-version": "${{ env.PULUMI_VERSION }}"}}
                ]
            }
        },
    }
    assert installed_versions(workflow) == ["3.1.0"]
