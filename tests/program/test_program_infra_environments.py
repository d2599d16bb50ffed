"""Under mocks: the production stack declares this repository's own environments (production, staging,
previews) with their rules, so none of them can exist unprotected; no other stack declares them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.mock_answers import fake_call
from tests.support.program_runs import of, plain, program_run
from tests.support.pulumi_mocks import is_secret

INFRA_REPOSITORY = "cartly-infra"


def infra(stack: str, short_type: str) -> list[Any]:
    return [r for r in of(program_run(stack), short_type) if plain(r, "repository") == INFRA_REPOSITORY]


def by_environment(short_type: str) -> dict[str, Any]:
    found = infra("production", short_type)
    return {plain(r, "environment"): r for r in found}


def test_production_declares_the_three_environments_of_this_repository() -> None:
    envs = infra("production", "github:RepositoryEnvironment")
    assert len(envs) == 3
    assert sorted(plain(e, "environment") for e in envs) == ["previews", "production", "staging"]


def test_no_admin_can_bypass_any_of_them() -> None:
    envs = by_environment("github:RepositoryEnvironment")
    assert len(envs) == 3
    assert [plain(e, "canAdminsBypass") for e in envs.values()] == [False, False, False]


def test_infra_production_needs_the_production_reviewers_and_no_self_review() -> None:
    env = by_environment("github:RepositoryEnvironment")["production"]
    user = int(fake_call("github:index/getUser:getUser", {"username": "cartly-lead"})["id"])
    team = int(fake_call("github:index/getTeam:getTeam", {"slug": "platform"})["id"])
    assert plain(env, "reviewers") == [{"users": [user], "teams": [team]}]
    assert plain(env, "preventSelfReview") is True


@pytest.mark.parametrize(("environment", "branch"), [("production", "main"), ("staging", "staging")])
def test_the_deploy_environments_admit_their_branch_only(environment: str, branch: str) -> None:
    env = by_environment("github:RepositoryEnvironment")[environment]
    assert plain(env, "deploymentBranchPolicy") == {"protectedBranches": False, "customBranchPolicies": True}
    policies = by_environment("github:RepositoryEnvironmentDeploymentPolicy")
    assert len(policies) == 2
    assert plain(policies[environment], "branchPattern") == branch


def test_previews_admit_pull_request_branches_and_need_no_reviewer() -> None:
    env = by_environment("github:RepositoryEnvironment")["previews"]
    assert plain(env, "deploymentBranchPolicy") is None
    assert plain(env, "reviewers") is None


def test_only_the_slack_token_is_written_and_only_to_the_deploy_environments() -> None:
    secrets = infra("production", "github:ActionsEnvironmentSecret")
    assert len(secrets) == 2
    assert sorted((plain(s, "environment"), plain(s, "secretName")) for s in secrets) == [
        ("production", "SLACK_BOT_TOKEN"),
        ("staging", "SLACK_BOT_TOKEN"),
    ]
    assert all(is_secret(s.inputs["value"]) for s in secrets)


@pytest.mark.parametrize("stack", ["staging", "pr-42", "infra-pr-42"])
def test_no_other_stack_declares_anything_in_this_repository(stack: str) -> None:
    run = program_run(stack)
    assert len(run) > 10
    assert [r.name for r in run if plain(r, "repository") == INFRA_REPOSITORY] == []
