"""The app pipeline (app-pipeline/) and the release entry point (.github/workflows/release.yml), on the files:
what the app repository reads is exactly what the program writes, secrets reach only the jobs that need them,
and the release's untrusted inputs reach a step only through env, after `tools/release.py validate`.
Schema and zizmor run over both in scripts/test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.github_actions import DEFINED_SECRETS, DEFINED_VARIABLES
from tests.workflows.test_workflows import (
    PINNED_LINE,
    READS,
    REPO,
    credential_keeping_checkouts,
    expressions_in_scripts,
    jobs_without_permissions,
    load,
    parse,
    steps,
    unpinned_uses,
)

APP = sorted((REPO / "app-pipeline").glob("*.yml"))
RELEASE = REPO / ".github" / "workflows" / "release.yml"
SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository"
PUSH_ONLY = "github.event_name == 'push'"
INPUT = re.compile(r"\$\{\{\s*(inputs|github\.event\.inputs)\.")


def app(name: str) -> dict[str, Any]:
    return load(REPO / "app-pipeline" / name)


def reads(paths: list[Path]) -> set[tuple[str, str]]:
    return {(kind, name) for p in paths for kind, name in READS.findall(p.read_text())}


def secret_jobs_open_to_forks_or_prs(workflow: dict[str, Any]) -> list[str]:
    """Jobs reading a secret that a fork's pull request could run: they must be push-only or same-repo."""
    return [
        name
        for name, job in workflow["jobs"].items()
        if "secrets." in yaml.safe_dump(job)
        and "secrets.GITHUB_TOKEN" not in yaml.safe_dump(job)
        and PUSH_ONLY not in str(job.get("if", ""))
        and SAME_REPO not in str(job.get("if", ""))
    ]


def inputs_outside_env(workflow: dict[str, Any]) -> list[str]:
    """Steps that use a dispatch input anywhere but their env (a script, a `with`, an `if`)."""
    found = []
    for step in steps(workflow):
        rest = {k: v for k, v in step.items() if k != "env"}
        if INPUT.search(yaml.safe_dump(rest)):
            found.append(str(step.get("name", step.get("uses", "?"))))
    return found


BAD = parse(
    """
on: [pull_request, workflow_dispatch]
jobs:
  leak:
    steps:
      - run: deploy "${{ inputs.image }}"
        env: {TOKEN: "${{ secrets.CARTLY_INFRA_RELEASE_TOKEN }}"}
"""
)


@pytest.mark.parametrize(
    "rule", [secret_jobs_open_to_forks_or_prs, inputs_outside_env], ids=lambda r: r.__name__
)
def test_each_rule_catches_the_bad_example(rule: Any) -> None:
    assert len(rule(BAD)) == 1


def test_the_app_pipeline_ships_its_pipeline_and_its_reusable_build() -> None:
    assert [p.name for p in APP] == ["build.yml", "pipeline.yml", "preview.yml"]


@pytest.mark.parametrize(
    "rule",
    [unpinned_uses, expressions_in_scripts, credential_keeping_checkouts, jobs_without_permissions],
    ids=lambda r: r.__name__,
)
@pytest.mark.parametrize("path", [*APP, RELEASE], ids=lambda p: p.name)
def test_the_house_rules_hold(rule: Any, path: Path) -> None:
    workflow = load(path)
    assert rule(workflow) == []
    assert workflow["permissions"] == {}


@pytest.mark.parametrize("path", [*APP, RELEASE], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_and_names_its_version(path: Path) -> None:
    assert [line for line in external_uses(path) if not PINNED_LINE.search(line)] == []


def test_the_pin_check_sees_the_pipelines_actions() -> None:
    # preview.yml calls only the local reusable build: the others hold every external action.
    assert [len(external_uses(p)) >= 1 for p in APP] == [True, True, False]


def external_uses(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if re.search(r"^\s*-?\s*uses:\s*[^\s.]", line)]


def test_what_the_app_pipeline_reads_is_exactly_what_the_program_writes() -> None:
    found = reads(APP)
    secrets = {name for kind, name in found if kind == "secrets"} - {"GITHUB_TOKEN"}
    variables = {name for kind, name in found if kind == "vars"}
    # The preview dispatch token is set by hand in the app repository (README: app previews): pull-request
    # jobs read no environment the program could write it into.
    assert (secrets, variables) == (
        set(DEFINED_SECRETS) | {"CARTLY_INFRA_PREVIEW_TOKEN"},
        set(DEFINED_VARIABLES),
    )


@pytest.mark.parametrize("path", APP, ids=lambda p: p.name)
def test_no_fork_pull_request_reaches_a_secret(path: Path) -> None:
    assert secret_jobs_open_to_forks_or_prs(load(path)) == []


def test_the_app_holds_no_railway_state_or_database_credential() -> None:
    text = "\n".join(p.read_text() for p in APP)
    for name in ("RAILWAY_TOKEN", "RAILWAY_API_TOKEN", "PULUMI_", "PRODUCTION_DATABASE_URL", "railway up"):
        assert name not in text, name


def test_the_release_job_runs_on_pushes_in_the_branchs_environment_with_no_token_permission() -> None:
    job = app("pipeline.yml")["jobs"]["release"]
    assert job["if"] == PUSH_ONLY
    assert job["environment"]["name"] == "${{ github.ref == 'refs/heads/main' && 'production' || 'staging' }}"
    assert job["permissions"] == {}
    assert {name for _, name in READS.findall(yaml.safe_dump(job))} == {
        "CARTLY_INFRA_RELEASE_TOKEN",
        "APP_URL",
    }
    script = steps({"jobs": {"release": job}})[0]["run"]
    assert "gh workflow run release.yml" in script
    assert "--exit-status" in script  # the app run fails when cartly-infra's release fails or rolls back
    assert "set -euo pipefail" in script


def test_pull_requests_and_forks_get_tests_only() -> None:
    pipeline = app("pipeline.yml")
    assert pipeline["jobs"]["build"]["if"] == PUSH_ONLY
    assert SAME_REPO in pipeline["jobs"]["e2e"]["if"]
    assert "if" not in pipeline["jobs"]["test"]
    runs = [s.get("run") for s in pipeline["jobs"]["test"]["steps"] if "run" in s]
    assert runs == ["npm ci", "npm run typecheck", "npm run lint", "npm test -- --coverage"]


def test_the_build_is_reusable_and_outputs_the_digest_it_pushed() -> None:
    build = app("build.yml")
    assert set(build["on"]) == {"workflow_call"}
    assert set(build["on"]["workflow_call"]["outputs"]) == {"digest", "image"}
    job = build["jobs"]["build"]
    assert job["permissions"] == {"contents": "read", "packages": "write"}
    push = next(s for s in job["steps"] if s.get("uses", "").startswith("docker/build-push-action@"))
    assert (push["with"]["cache-from"], push["with"]["cache-to"]) == ("type=gha", "type=gha,mode=max")
    assert job["outputs"]["digest"] == "${{ steps.push.outputs.digest }}"
    meta = next(s for s in job["steps"] if s.get("uses", "").startswith("docker/metadata-action@"))
    tags = meta["with"]["tags"]
    assert "type=ref,event=branch" in tags and "prefix={{branch}}-" in tags and "{{date 'YYYYMMDD'}}" in tags
    assert app("pipeline.yml")["jobs"]["build"]["uses"] == "./.github/workflows/build.yml"


def test_the_release_workflow_is_dispatched_and_its_inputs_reach_steps_only_through_env() -> None:
    release = load(RELEASE)
    assert set(release["on"]) == {"workflow_dispatch"}
    assert inputs_outside_env(release) == []
    assert len([s for s in steps(release) if INPUT.search(yaml.safe_dump(s.get("env", {})))]) == 2


def test_the_release_inputs_are_validated_without_secrets_before_the_release_job() -> None:
    jobs = load(RELEASE)["jobs"]
    validate, run = jobs["validate"], jobs["release"]
    assert "secrets." not in yaml.safe_dump(validate)
    assert [s.get("run") for s in validate["steps"] if "run" in s][
        -1
    ] == "venv/bin/python tools/release.py validate"
    assert run["needs"] == "validate"
    assert run["environment"] == "${{ needs.validate.outputs.stack }}"
    assert run["concurrency"] == {
        "group": "stack-${{ needs.validate.outputs.stack }}",
        "cancel-in-progress": False,
    }
    tool = next(s for s in run["steps"] if "tools/release.py run" in s.get("run", ""))
    assert tool["env"]["RELEASE_STACK"] == "${{ needs.validate.outputs.stack }}"
    assert tool["env"]["GITHUB_TOKEN"] == "${{ secrets.INFRA_GITHUB_TOKEN }}"
