"""The workflows run the tools the way they need to be run: the Pulumi CLI installed first, the program's
venv installed first, and every credential handed over as the environment variable the tool reads.
test_workflow_rules.py checks each rule here on every workflow and on the bad example it must catch.
"""

from __future__ import annotations

from typing import Any

from tests.workflows.test_workflows import WORKFLOWS, load, parse

# What the program, its providers and the Automation API read, and the bootstrap secret each comes from.
# Previews (tools/previews.py) declare no GitHub resource, so they get no GitHub token.
CREDENTIALS = {
    "PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    "RAILWAY_API_TOKEN": "${{ secrets.RAILWAY_API_TOKEN }}",
    "GITHUB_TOKEN": "${{ secrets.INFRA_GITHUB_TOKEN }}",
}
PREVIEW_CREDENTIALS = {k: v for k, v in CREDENTIALS.items() if k != "GITHUB_TOKEN"}
BACKEND = "${{ secrets.PULUMI_BACKEND_URL }}"
PULUMI_ACTION = "pulumi/actions@"
WRITE_SCOPES_ALLOWED = {"pull-requests"}  # comments; nothing here may push code or change settings


def jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = workflow["jobs"]
    return found


def is_pulumi(step: dict[str, Any]) -> bool:
    return str(step.get("uses", "")).startswith(PULUMI_ACTION)


def runs_previews(step: dict[str, Any]) -> bool:
    return "tools/previews.py" in str(step.get("run", ""))


def missing_credentials(workflow: dict[str, Any]) -> list[str]:
    """Steps that run pulumi (the action's commands or previews.py) without every credential it needs."""
    found = []
    for name, job in jobs(workflow).items():
        for step in job.get("steps", []):
            if "previews.py list" in str(step.get("run", "")):
                continue  # reads stack names only: the backend, no passphrase or token
            if not (runs_previews(step) or (is_pulumi(step) and "command" in step.get("with", {}))):
                continue
            env = step.get("env") or {}
            wanted = dict(PREVIEW_CREDENTIALS if runs_previews(step) else CREDENTIALS)
            if runs_previews(step):
                wanted["PULUMI_BACKEND_URL"] = BACKEND
                found += [
                    f"{name}: a GitHub token reaches previews.py"
                    for k in ("GITHUB_TOKEN", "GH_TOKEN")
                    if k in env
                ]
            elif step["with"].get("cloud-url") != BACKEND:
                found.append(f"{name}: pulumi/actions without cloud-url {BACKEND}")
            found += [f"{name}: {k}" for k, v in wanted.items() if env.get(k) != v]
    return found


def tools_before_their_setup(workflow: dict[str, Any]) -> list[str]:
    """previews.py before a Pulumi CLI install, or any venv/bin tool before the venv is installed."""
    found = []
    for name, job in jobs(workflow).items():
        cli = venv = False
        for step in job.get("steps", []):
            run = str(step.get("run", ""))
            if runs_previews(step) and not cli:
                found.append(f"{name}: previews.py before the Pulumi CLI is installed")
            if "venv/bin/" in run and not venv:
                found.append(f"{name}: venv/bin before ensure_venv")
            cli = cli or is_pulumi(step)
            venv = venv or "ensure_venv requirements.txt" in run
    return found


def broad_permissions(workflow: dict[str, Any]) -> list[str]:
    """Jobs granted more than read, but for commenting on pull requests."""
    found = []
    for name, job in jobs(workflow).items():
        permissions = job.get("permissions")
        if not isinstance(permissions, dict):
            found.append(f"{name}: permissions {permissions!r}")
            continue
        found += [
            f"{name}: {k}: {v}"
            for k, v in permissions.items()
            if v == "write" and k not in WRITE_SCOPES_ALLOWED
        ]
    return found


BAD = parse(
    """
on: push
jobs:
  up:
    permissions: write-all
    steps:
      - run: venv/bin/python tools/previews.py up --pr 1
        env: {GITHUB_TOKEN: "${{ github.token }}"}
      - uses: pulumi/actions@8e5e406f4007fca908480587cb9893c07090f58d
        with: {command: up, stack-name: staging}
  push:
    permissions: {contents: write}
    steps: []
"""
)
RULES = [missing_credentials, tools_before_their_setup, broad_permissions]


def test_every_pulumi_run_is_covered_by_the_credential_rule() -> None:
    runs = [
        step
        for path in WORKFLOWS
        for job in jobs(load(path)).values()
        for step in job.get("steps", [])
        if runs_previews(step) or (is_pulumi(step) and "command" in step.get("with", {}))
    ]
    # previews.py up and destroy, the reaper's list and reap (infra and app), the two deploys, app previews.
    assert len(runs) == 9
