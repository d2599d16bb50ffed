"""The trust rules of the workflows (ARCHITECTURE §3), read from every workflow file: each rule below says
what it forbids, and is proven to catch deliberately wrong copies of the real workflows, so it cannot pass on
nothing. Only environments are protected: a repository-level secret reaches every job."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from components import infra_environments

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PR_TRIGGERS = {"pull_request", "pull_request_target", "workflow_run", "workflow_call"}
PREVIEWS, PRODUCTION = "previews", "production"
SECRET = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)|\bsecrets\[")
DEPLOYS_PRODUCTION = re.compile(r"--stack[= ]+[\"']?production\b|\bstack-name\b[^\n]*\bproduction\b")

Workflow = dict[str, Any]
Rule = Callable[[Workflow], list[str]]


def parse(text: str) -> Workflow:
    data: dict[Any, Any] = yaml.safe_load(text)
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def triggers(workflow: Workflow) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def secrets_read(node: Any) -> set[str]:
    """Secret names a piece of a workflow reads (GITHUB_TOKEN is the run's own token, not a stored secret)."""
    text = yaml.safe_dump(node)
    names = {m.group(1) or "secrets[...]" for m in SECRET.finditer(text)}
    if isinstance(node, dict) and node.get("secrets") == "inherit":
        names.add("secrets: inherit")
    return names - {"GITHUB_TOKEN"}


def environment(job: dict[str, Any]) -> str | None:
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def runs_pr_code(workflow: Workflow, job: dict[str, Any]) -> bool:
    downloads_other_runs = any(
        str(s.get("uses", "")).startswith("actions/download-artifact@") and "run-id" in (s.get("with") or {})
        for s in job.get("steps", [])
    )
    return bool(triggers(workflow) & PR_TRIGGERS) or downloads_other_runs


# ---- the rules --------------------------------------------------------------------------------------------


def pr_code_reaching_secrets_beyond_previews(workflow: Workflow) -> list[str]:
    """A job that can run pull-request code (a PR_TRIGGERS workflow, or a job that downloads another run's
    artifacts) reads secrets only inside the `previews` environment."""
    return [
        f"{name}: runs PR code with {sorted(secrets_read(job))} in environment {environment(job)!r}"
        for name, job in workflow["jobs"].items()
        if runs_pr_code(workflow, job) and secrets_read(job) and environment(job) != PREVIEWS
    ]


def secrets_outside_an_environment(workflow: Workflow) -> list[str]:
    """No job reads a secret outside an environment, nor a workflow-wide `env:` one, nor `secrets: inherit`
    (only environments are protected)."""
    found = [f"workflow env: {sorted(secrets_read(workflow.get('env') or {}))}"]
    found = found if secrets_read(workflow.get("env") or {}) else []
    return found + [
        f"{name}: reads {sorted(secrets_read(job))} outside any environment"
        for name, job in workflow["jobs"].items()
        if secrets_read(job) and not environment(job)
    ]


def production_deploys_outside_production(workflow: Workflow) -> list[str]:
    """A job that deploys production runs inside `production` (required reviewers, `main` only)."""
    return [
        f"{name}: deploys production in environment {environment(job)!r}"
        for name, job in workflow["jobs"].items()
        if DEPLOYS_PRODUCTION.search(yaml.safe_dump(job.get("steps", []))) and environment(job) != PRODUCTION
    ]


def preview_state_outside_previews(workflow: Workflow) -> list[str]:
    """A job that touches a preview's state (written by PR code: `tools/previews.py`) runs inside `previews`,
    and no job there reads the GitHub admin token."""
    found = []
    for name, job in workflow["jobs"].items():
        touches = "tools/previews.py" in yaml.safe_dump(job.get("steps", []))
        if touches and environment(job) != PREVIEWS:
            found.append(f"{name}: runs tools/previews.py in environment {environment(job)!r}")
        if environment(job) == PREVIEWS and {"INFRA_GITHUB_TOKEN", "secrets: inherit"} & secrets_read(job):
            found.append(f"{name}: reads the GitHub admin token inside previews")
    return found


RULES: list[Rule] = [
    pr_code_reaching_secrets_beyond_previews,
    secrets_outside_an_environment,
    production_deploys_outside_production,
    preview_state_outside_previews,
]


def load(name: str) -> Workflow:
    return parse((REPO / ".github" / "workflows" / name).read_text())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_breaks_the_rule(rule: Rule, path: Path) -> None:
    assert rule(parse(path.read_text())) == []


def test_the_rules_see_every_secret_reading_job() -> None:
    readers = [
        (path.name, name, environment(job))
        for path in WORKFLOWS
        for name, job in parse(path.read_text())["jobs"].items()
        if secrets_read(job)
    ]
    # preview up/destroy, the reaper's list and reap (infra and app), the two deploys, unlock, app previews,
    # and the release (in the environment of the stack `tools/release.py validate` accepted).
    assert len(readers) == 11
    assert ("release.yml", "release", "${{ needs.validate.outputs.stack }}") in readers
    assert sorted({str(env) for _wf, _job, env in readers if not str(env).startswith("${{")}) == [
        "previews",
        "production",
        "staging",
    ]


# ---- deliberately wrong copies: each must be caught by the rule named -------------------------------------


def without_environment(workflow: Workflow) -> Workflow:
    workflow["jobs"]["preview-up"].pop("environment")
    return workflow


def in_production(workflow: Workflow) -> Workflow:
    workflow["jobs"]["preview-up"]["environment"] = "production"
    return workflow


def in_staging(workflow: Workflow) -> Workflow:
    workflow["jobs"]["preview-destroy"]["environment"] = "staging"
    return workflow


def production_in_staging(workflow: Workflow) -> Workflow:
    workflow["jobs"]["production"]["environment"] = "staging"
    return workflow


def production_unprotected(workflow: Workflow) -> Workflow:
    workflow["jobs"]["production"].pop("environment")
    return workflow


def comment_with_admin_token(workflow: Workflow) -> Workflow:
    step = workflow["jobs"]["comment"]["steps"][1]
    step["with"]["github-token"] = "${{ secrets.INFRA_GITHUB_TOKEN }}"
    return workflow


def plan_with_staging_secrets(workflow: Workflow) -> Workflow:
    job = workflow["jobs"]["offline-plan"]
    job["environment"] = "staging"
    job["steps"][-2]["env"]["RAILWAY_API_TOKEN"] = "${{ secrets.RAILWAY_API_TOKEN }}"
    return workflow


def workflow_wide_secret(workflow: Workflow) -> Workflow:
    workflow["env"]["PULUMI_CONFIG_PASSPHRASE"] = "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"
    return workflow


def calls_test_with_every_secret(workflow: Workflow) -> Workflow:
    workflow["jobs"]["test"]["secrets"] = "inherit"
    return workflow


def deploy_from_another_runs_artifact(workflow: Workflow) -> Workflow:
    steps = workflow["jobs"]["production"]["steps"]
    download: dict[str, Any] = {"uses": "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093"}
    download["with"] = {"name": "plan", "run-id": "${{ github.event.workflow_run.id }}"}
    steps.insert(0, download)
    return workflow


def secret_by_index(workflow: Workflow) -> Workflow:
    workflow["jobs"]["offline-plan"]["steps"][-2]["env"]["X"] = "${{ secrets['RAILWAY_API_TOKEN'] }}"
    return workflow


def unlock_production_in_previews(workflow: Workflow) -> Workflow:
    job = workflow["jobs"]["unlock"]
    job["environment"] = "previews"
    job["steps"][-1]["run"] = "pulumi cancel --yes --stack production"
    return workflow


def reap_in_staging(workflow: Workflow) -> Workflow:
    workflow["jobs"]["reap"]["environment"] = "staging"
    return workflow


def app_reap_outside_environments(workflow: Workflow) -> Workflow:
    del workflow["jobs"]["reap-app"]["environment"]
    return workflow


def preview_with_admin_token(workflow: Workflow) -> Workflow:
    step = workflow["jobs"]["preview-destroy"]["steps"][-2]
    step["env"]["GITHUB_TOKEN"] = "${{ secrets.INFRA_GITHUB_TOKEN }}"
    return workflow


WRONG = [
    ("reap-previews.yml", reap_in_staging, preview_state_outside_previews),
    ("reap-previews.yml", app_reap_outside_environments, preview_state_outside_previews),
    ("reap-previews.yml", app_reap_outside_environments, secrets_outside_an_environment),
    ("pr-stacks.yml", preview_with_admin_token, preview_state_outside_previews),
    ("pr-stacks.yml", without_environment, pr_code_reaching_secrets_beyond_previews),
    ("pr-stacks.yml", without_environment, secrets_outside_an_environment),
    ("pr-stacks.yml", in_production, pr_code_reaching_secrets_beyond_previews),
    ("pr-stacks.yml", in_staging, pr_code_reaching_secrets_beyond_previews),
    ("plan-comment.yml", comment_with_admin_token, pr_code_reaching_secrets_beyond_previews),
    ("plan-comment.yml", comment_with_admin_token, secrets_outside_an_environment),
    ("plan.yml", plan_with_staging_secrets, pr_code_reaching_secrets_beyond_previews),
    ("plan.yml", secret_by_index, secrets_outside_an_environment),
    ("deploy.yml", production_in_staging, production_deploys_outside_production),
    ("deploy.yml", production_unprotected, production_deploys_outside_production),
    ("deploy.yml", production_unprotected, secrets_outside_an_environment),
    ("deploy.yml", workflow_wide_secret, secrets_outside_an_environment),
    ("deploy.yml", calls_test_with_every_secret, secrets_outside_an_environment),
    ("deploy.yml", deploy_from_another_runs_artifact, pr_code_reaching_secrets_beyond_previews),
    ("unlock.yml", unlock_production_in_previews, production_deploys_outside_production),
]


@pytest.mark.parametrize(
    ("name", "break_it", "rule"), WRONG, ids=[f"{n}-{b.__name__}-{r.__name__}" for n, b, r in WRONG]
)
def test_each_rule_catches_a_deliberately_wrong_copy(
    name: str, break_it: Callable[[Workflow], Workflow], rule: Rule
) -> None:
    original = load(name)
    assert rule(original) == []
    assert len(rule(break_it(copy.deepcopy(original)))) >= 1


def test_every_environment_a_workflow_names_is_declared_by_the_program() -> None:
    named = set()
    for path in WORKFLOWS:
        workflow = parse(path.read_text())
        for job in workflow["jobs"].values():
            env = environment(job)
            if env is None:
                continue
            # An expression names its environments as quoted literals or as a choice input's options.
            literals = re.findall(r"'([a-z-]+)'", env) if env.startswith("${{") else [env]
            named |= {e for e in literals if e != "infra-pr"}
            if "inputs.stack" in env:
                options = workflow["on"]["workflow_dispatch"]["inputs"]["stack"]["options"]
                named |= {o for o in options if o != "infra-pr"}
    assert len(named) == 3
    declared = {infra_environments.PRODUCTION, infra_environments.STAGING, infra_environments.PREVIEWS}
    assert named == declared
