"""Under mocks: the GitHub side of each stack, and bad config stopping the program before any resource."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import mocks as pulumi_mocks

from components.github_actions import DEFINED_SECRETS, DEFINED_VARIABLES
from components.settings.load import ConfigError
from tests.support.mock_answers import CartlyMocks, fake_call
from tests.support.program_runs import of, one, plain, program_run
from tests.support.pulumi_mocks import is_secret, run_program, stub_secret

REPOSITORY_LEVEL = ("github:ActionsSecret", "github:ActionsVariable", "github:BranchProtection")


APP_REPOSITORY = "cartly"


def in_app(stack: str, short_type: str) -> Any:
    """The one `short_type` resource `stack` declares in the app repository."""
    found = [r for r in of(program_run(stack), short_type) if plain(r, "repository") == APP_REPOSITORY]
    assert len(found) == 1, [r.name for r in found]
    return found[0]


def names(stack: str, short_type: str, field: str) -> set[str]:
    """What `stack` declares in the app repository (this repository's environments: test_program_infra)."""
    found = of(program_run(stack), short_type)
    return {plain(r, field) for r in found if plain(r, "repository") == APP_REPOSITORY}


def test_production_defines_exactly_its_environment_and_repository_secrets_and_variables() -> None:
    release_token = {"CARTLY_INFRA_RELEASE_TOKEN"}
    assert names("production", "github:ActionsEnvironmentSecret", "secretName") == release_token
    assert names("production", "github:ActionsEnvironmentVariable", "variableName") == {"APP_URL"}
    assert names("production", "github:ActionsSecret", "secretName") == {"TEST_DATABASE_URL"}


def test_staging_defines_exactly_its_environment_secret_and_variable() -> None:
    assert names("staging", "github:ActionsEnvironmentSecret", "secretName") == {"CARTLY_INFRA_RELEASE_TOKEN"}
    assert names("staging", "github:ActionsEnvironmentVariable", "variableName") == {"APP_URL"}


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_the_app_repository_receives_no_railway_token_and_no_database_url(stack: str) -> None:
    # The app repository never reaches Railway nor a database: migrations run as Railway's pre-deploy command.
    values = [
        plain(r, "value")
        for t in ("github:ActionsEnvironmentSecret", "github:ActionsSecret")
        for r in of(program_run(stack), t)
        if plain(r, "repository") == "cartly"  # the app repository (not this one's environments)
    ]
    assert len(values) == {"production": 2, "staging": 1}[stack]
    forbidden = {stub_secret(stack, "databaseUrl"), "mock-project-token", stub_secret(stack, "railwayToken")}
    assert forbidden & set(values) == set()


def test_the_defined_names_constants_are_what_the_stacks_declare() -> None:
    secrets = set().union(
        *(
            names(s, t, "secretName")
            for s in ("production", "staging")
            for t in ("github:ActionsEnvironmentSecret", "github:ActionsSecret")
        )
    )
    variables = set().union(
        *(names(s, "github:ActionsEnvironmentVariable", "variableName") for s in ("production", "staging"))
    )
    assert (secrets, variables) == (set(DEFINED_SECRETS), set(DEFINED_VARIABLES))


def test_github_secret_values_are_secret_and_use_the_non_deprecated_value_argument() -> None:
    found = [
        *of(program_run("production"), "github:ActionsEnvironmentSecret"),
        *of(program_run("production"), "github:ActionsSecret"),
    ]
    assert len(found) == 4  # the app repository's two, and the Slack token of two infra environments
    for secret in found:
        assert is_secret(secret.inputs["value"]), secret.name
        assert "plaintextValue" not in secret.inputs and "encryptedValue" not in secret.inputs


def test_the_app_url_variable_is_the_stacks_url() -> None:
    run = program_run("staging")
    by_name = {
        plain(v, "variableName"): plain(v, "value") for v in of(run, "github:ActionsEnvironmentVariable")
    }
    assert by_name == {"APP_URL": "https://staging.cartly.io"}


def test_production_reviewers_are_resolved_from_logins_and_team_slugs_to_ids() -> None:
    env = in_app("production", "github:RepositoryEnvironment")
    assert plain(env, "environment") == "production"
    expected_user = int(fake_call("github:index/getUser:getUser", {"username": "cartly-lead"})["id"])
    expected_team = int(fake_call("github:index/getTeam:getTeam", {"slug": "platform"})["id"])
    assert plain(env, "reviewers") == [{"users": [expected_user], "teams": [expected_team]}]
    assert plain(env, "canAdminsBypass") is False


@pytest.mark.parametrize(("stack", "branch"), [("production", "main"), ("staging", "staging")])
def test_each_environment_deploys_from_its_branch_only(stack: str, branch: str) -> None:
    env = in_app(stack, "github:RepositoryEnvironment")
    assert plain(env, "deploymentBranchPolicy") == {"protectedBranches": False, "customBranchPolicies": True}
    policy = in_app(stack, "github:RepositoryEnvironmentDeploymentPolicy")
    assert (plain(policy, "environment"), plain(policy, "branchPattern")) == (stack, branch)


def test_staging_has_no_required_reviewers() -> None:
    assert plain(in_app("staging", "github:RepositoryEnvironment"), "reviewers") is None


def test_mains_branch_protection_requires_the_checks_and_a_review() -> None:
    protection = one(program_run("production"), "github:BranchProtection")
    assert (plain(protection, "pattern"), plain(protection, "repositoryId")) == ("main", "cartly")
    assert plain(protection, "requiredStatusChecks") == [{"strict": True, "contexts": ["test"]}]
    reviews = plain(protection, "requiredPullRequestReviews")
    assert reviews[0]["requiredApprovingReviewCount"] == 1


@pytest.mark.parametrize(("stack", "expected"), [("production", 2), ("staging", 0), ("pr-42", 0)])
def test_only_production_owns_repository_level_github_resources(stack: str, expected: int) -> None:
    assert sum(len(of(program_run(stack), t)) for t in REPOSITORY_LEVEL) == expected


def test_a_preview_declares_nothing_in_github() -> None:
    run = program_run("pr-42")
    assert len(run) == 27  # 12 of them its own data: PostgreSQL, Redis (with settings), passwords, JWT key
    assert [r.name for r in run if r.type.startswith("github:")] == []


class CountingMocks(CartlyMocks):
    def __init__(self, stack: str) -> None:
        super().__init__(stack)
        self.created: list[str] = []

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.created.append(args.name)
        return super().new_resource(args)


@pytest.mark.parametrize(
    ("stack", "config", "message"),
    [
        ("staging", {"webReplicas": "0"}, "cartly-infra:webReplicas: must be >= 1"),
        (
            "production",
            {"domain": "App.Cartly.io"},
            "cartly-infra:domain: 'App.Cartly.io' is not a lowercase",
        ),
        ("dev", {}, "Unknown stack 'dev'"),
    ],
)
def test_bad_config_stops_the_program_before_any_resource(
    stack: str, config: dict[str, str], message: str
) -> None:
    mocks = CountingMocks(stack)
    with pytest.raises(ConfigError, match=message):
        run_program(stack, config=config, mocks=mocks)
    assert mocks.created == []


def test_a_missing_secret_stops_the_program_with_the_command_that_sets_it() -> None:
    mocks = CountingMocks("staging")
    with pytest.raises(ConfigError) as caught:
        run_program("staging", config={"jwtSecret": ""}, mocks=mocks)
    assert "pulumi config set --secret cartly-infra:jwtSecret --stack staging" in str(caught.value)
    assert mocks.created == []
