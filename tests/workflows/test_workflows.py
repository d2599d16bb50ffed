"""The workflows' safety rules, checked on the files themselves (schema and zizmor run in scripts/test).
test_workflow_rules.py runs each rule over every workflow and over the bad example here, so a rule that
silently matched nothing could not pass.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.infra_environments import DEFINED_SECRETS as INFRA_DEFINED_SECRETS

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# The contract's bootstrap list, used when the README has no bootstrap section (yet).
CONTRACT_BOOTSTRAP = frozenset(
    {
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "RAILWAY_API_TOKEN",
        "INFRA_GITHUB_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    }
)
SAME_REPO_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"
# Dependabot's PRs run without secrets: a job needing them would only fail red.
DEPENDABOT_GUARD = "github.actor != 'dependabot[bot]'"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
PINNED_LINE = re.compile(r"uses:\s*\S+@[0-9a-f]{40} # v\d")
READS = re.compile(r"\b(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)")


def parse(text: str) -> dict[str, Any]:
    data: dict[Any, Any] = yaml.safe_load(text)
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def load(path: Path) -> dict[str, Any]:
    return parse(path.read_text())


def triggers(workflow: dict[str, Any]) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def bootstrap_names() -> frozenset[str]:
    """The names in the README section about bootstrap secrets, else the contract's list."""
    readme = (REPO / "README.md").read_text() if (REPO / "README.md").exists() else ""
    match = re.search(r"^(#+)[^\n]*bootstrap[^\n]*\n(.*?)(?=^\1 |\Z)", readme, re.I | re.M | re.S)
    names = frozenset(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", match.group(2))) if match else frozenset()
    return names or CONTRACT_BOOTSTRAP


# ---- the rules --------------------------------------------------------------------------------------------


def unpinned_uses(workflow: dict[str, Any]) -> list[str]:
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    return [u for u in uses if not u.startswith("./") and not PINNED.match(u)]


def expressions_in_scripts(workflow: dict[str, Any]) -> list[str]:
    found = [s.get("name", s["run"][:40]) for s in steps(workflow) if "${{" in s.get("run", "")]
    scripts = [s for s in steps(workflow) if "github-script" in s.get("uses", "")]
    return found + [s.get("name", "github-script") for s in scripts if "${{" in s["with"]["script"]]


def checkouts_under_pull_request_target(workflow: dict[str, Any]) -> list[str]:
    if "pull_request_target" not in triggers(workflow):
        return []
    return [s["uses"] for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]


def secret_jobs_open_to_forks(workflow: dict[str, Any]) -> list[str]:
    if not triggers(workflow) & {"pull_request", "pull_request_target"}:
        return []
    return [
        name
        for name, job in workflow["jobs"].items()
        if "secrets." in yaml.safe_dump(job) and SAME_REPO_GUARD not in str(job.get("if", ""))
    ]


def secret_jobs_run_for_dependabot(workflow: dict[str, Any]) -> list[str]:
    if not triggers(workflow) & {"pull_request", "pull_request_target"}:
        return []
    return [
        name
        for name, job in workflow["jobs"].items()
        if "secrets." in yaml.safe_dump(job) and DEPENDABOT_GUARD not in str(job.get("if", ""))
    ]


def credential_keeping_checkouts(workflow: dict[str, Any]) -> list[str]:
    checkouts = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    return [s["uses"] for s in checkouts if (s.get("with") or {}).get("persist-credentials") is not False]


def jobs_without_permissions(workflow: dict[str, Any]) -> list[str]:
    return [name for name, job in workflow["jobs"].items() if "permissions" not in job]


BAD = parse(
    """
on: pull_request_target
jobs:
  build:
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
        with: {script: "console.log('${{ github.head_ref }}')"}
      - run: deploy
        env: {TOKEN: "${{ secrets.RAILWAY_API_TOKEN }}"}
"""
)
RULES = [
    unpinned_uses,
    expressions_in_scripts,
    checkouts_under_pull_request_target,
    secret_jobs_open_to_forks,
    secret_jobs_run_for_dependabot,
    credential_keeping_checkouts,
    jobs_without_permissions,
]


def test_there_are_workflows_to_check() -> None:
    names = {p.name for p in WORKFLOWS}
    expected = {"plan.yml", "plan-comment.yml", "pr-stacks.yml", "reap-previews.yml", "deploy.yml"}
    expected |= {"test.yml", "unlock.yml", "release.yml"}
    assert expected <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_top_level_permissions_are_empty(path: Path) -> None:
    assert load(path)["permissions"] == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_pinned_action_names_its_version(path: Path) -> None:
    lines = [line for line in path.read_text().splitlines() if re.search(r"\buses:", line)]
    assert len(lines) >= 1
    assert [line for line in lines if "./" not in line and not PINNED_LINE.search(line)] == []


def test_every_secret_and_variable_read_is_defined_by_the_program_or_bootstrapped() -> None:
    # What the program writes into the app repository is read by app-pipeline/ (a test there proves it);
    # this repository's workflows read what the program writes here, and what is set by hand.
    reads = {(kind, name) for p in WORKFLOWS for kind, name in READS.findall(p.read_text())}
    assert len(reads) >= 5
    allowed = INFRA_DEFINED_SECRETS | bootstrap_names() | {"GITHUB_TOKEN"}
    assert sorted(f"{kind}.{name}" for kind, name in reads if name not in allowed) == []


# ---- what each workflow is for ----------------------------------------------------------------------------


def workflow(name: str) -> dict[str, Any]:
    return load(REPO / ".github" / "workflows" / name)


def test_the_fork_facing_plan_job_holds_no_secret_and_only_reads() -> None:
    plan = workflow("plan.yml")
    assert triggers(plan) == {"pull_request"}
    assert "secrets." not in (REPO / ".github" / "workflows" / "plan.yml").read_text()
    assert [job["permissions"] for job in plan["jobs"].values()] == [{"contents": "read"}]


def test_every_pull_request_runs_the_readmes_test_command_without_secrets() -> None:
    test = workflow("test.yml")
    assert triggers(test) == {"pull_request", "push", "workflow_call"}
    assert test["on"]["push"] == {"branches": ["main", "staging"]}
    [job] = test["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    assert [step.get("run") for step in job["steps"] if "run" in step] == ["scripts/test"]
    assert "secrets." not in (REPO / ".github" / "workflows" / "test.yml").read_text()


def test_the_plan_comment_job_runs_nothing_from_the_pr() -> None:
    comment = workflow("plan-comment.yml")
    assert triggers(comment) == {"workflow_run"}
    all_steps = steps(comment)
    assert len(all_steps) == 2
    assert [s for s in all_steps if "run" in s or s.get("uses", "").startswith("actions/checkout@")] == []


def test_preview_stacks_follow_the_pr_one_run_at_a_time() -> None:
    jobs = workflow("pr-stacks.yml")["jobs"]
    up, destroy = jobs["preview-up"], jobs["preview-destroy"]
    assert "github.event.action != 'closed'" in up["if"]
    assert "github.event.action == 'closed'" in destroy["if"]
    assert up["concurrency"] == destroy["concurrency"]
    assert up["concurrency"]["group"] == "preview-stack-${{ github.event.pull_request.number }}"
    assert up["concurrency"]["cancel-in-progress"] is False
    assert any("tools/previews.py up --pr" in s.get("run", "") for s in up["steps"])
    assert any("tools/previews.py destroy --pr" in s.get("run", "") for s in destroy["steps"])


def test_the_preview_stack_deploys_the_staging_image_not_an_app_prs_tag() -> None:
    up = workflow("pr-stacks.yml")["jobs"]["preview-up"]
    runs = [s["run"] for s in up["steps"] if "tools/previews.py up" in s.get("run", "")]
    assert len(runs) == 1
    assert runs[0].split() == [
        "venv/bin/python",
        "tools/previews.py",
        "up",
        "--pr",
        '"$PR_NUMBER"',
        "--image-tag",
        "staging",
        "--summary-file",
        "preview-summary.md",
    ]


def test_no_pull_request_job_runs_pulumi_preview_of_a_long_lived_stack() -> None:
    jobs = workflow("pr-stacks.yml")["jobs"]
    assert sorted(jobs) == ["preview-destroy", "preview-up"]
    text = (REPO / ".github" / "workflows" / "pr-stacks.yml").read_text()
    assert "pulumi preview" in text  # the header says why not
    assert [s for job in jobs.values() for s in job["steps"] if "command" in (s.get("with") or {})] == []


def test_the_reaper_is_scheduled_and_reaps_one_preview_per_job_in_its_concurrency_group() -> None:
    reaper = workflow("reap-previews.yml")
    assert "schedule" in triggers(reaper)
    reap = reaper["jobs"]["reap"]
    preview_up = workflow("pr-stacks.yml")["jobs"]["preview-up"]
    assert reap["concurrency"]["group"] == "preview-stack-${{ matrix.pr }}"
    assert preview_up["concurrency"]["group"] == "preview-stack-${{ github.event.pull_request.number }}"
    assert reap["strategy"]["matrix"]["pr"] == "${{ fromJSON(needs.list.outputs.prs) }}"
    runs = [s.get("run", "") for s in reap["steps"] if "run" in s]
    assert len(runs) == 3
    # The PR is asked about in the step right before the destroy, for that preview alone.
    assert 'gh api "repos/$GITHUB_REPOSITORY/pulls/$PR" --jq .state' in runs[1]
    assert "set -euo pipefail" in runs[1]
    assert runs[2] == 'venv/bin/python tools/previews.py reap --pr "$PR" --open-prs "$OPEN" --max-age 7d'
    listed = next(s["run"] for s in steps(reaper) if "previews.py list" in s.get("run", ""))
    assert "tools/previews.py list --json" in listed


def test_the_reaper_reaps_each_app_preview_in_app_previews_concurrency_group() -> None:
    reaper = workflow("reap-previews.yml")
    assert sorted(reaper["jobs"]) == ["list", "list-app", "reap", "reap-app"]
    reap = reaper["jobs"]["reap-app"]
    app_preview = workflow("app-preview.yml")["jobs"]["preview"]
    assert reap["concurrency"]["group"] == "app-preview-${{ matrix.pr }}"
    assert app_preview["concurrency"]["group"] == "app-preview-${{ inputs.pr }}"
    assert reap["concurrency"]["cancel-in-progress"] is False
    assert (reap["environment"], reaper["jobs"]["list-app"]["environment"]) == ("previews", "previews")
    assert reap["needs"] == "list-app"
    assert reap["strategy"]["matrix"]["pr"] == "${{ fromJSON(needs.list-app.outputs.prs) }}"
    runs = [s for s in reap["steps"] if "run" in s]
    assert len(runs) == 2
    # previews.py asks the app repository right before the destroy, with the previews' app token.
    command = 'venv/bin/python tools/previews.py app-reap --pr "$PR" --max-age "${MAX_AGE_DAYS}d"'
    assert runs[1]["run"] == command
    assert runs[1]["env"]["MAX_AGE_DAYS"] == "${{ vars.PREVIEW_MAX_AGE_DAYS || '7' }}"
    assert runs[1]["env"]["APP_REPOSITORY_TOKEN"] == "${{ secrets.APP_REPOSITORY_TOKEN }}"
    listed = [s["run"] for s in reaper["jobs"]["list-app"]["steps"] if "run" in s]
    assert len(listed) == 2
    assert "tools/previews.py list --app --json" in listed[1]
    # Listing asks GitHub nothing: the app token stays with the job that needs it.
    assert "APP_REPOSITORY_TOKEN" not in yaml.safe_dump(reaper["jobs"]["list-app"])


@pytest.mark.parametrize(
    ("job_name", "branch", "stack"), [("staging", "staging", "staging"), ("production", "main", "production")]
)
def test_a_push_deploys_its_branchs_stack_and_tells_slack(job_name: str, branch: str, stack: str) -> None:
    deploy = workflow("deploy.yml")
    assert deploy["on"] == {"push": {"branches": ["main", "staging"]}}
    job = deploy["jobs"][job_name]
    assert job["needs"] == "test"
    assert deploy["jobs"]["test"]["uses"] == "./.github/workflows/test.yml"
    assert job["concurrency"] == {"group": f"stack-{stack}", "cancel-in-progress": False}
    assert job["if"] == f"github.ref == 'refs/heads/{branch}'"
    assert job["environment"] == stack
    up = next(s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert (up["with"]["command"], up["with"]["stack-name"]) == ("up", stack)
    slack = next(s for s in job["steps"] if s.get("uses", "").startswith("slackapi/slack-github-action@"))
    assert slack["if"] == "always()"
    assert slack["with"]["token"] == "${{ secrets.SLACK_BOT_TOKEN }}"
