"""GitHub Actions wiring of a long-lived stack in the app repository: its environment, secrets and variables.

Only what the adopted pipeline (app-pipeline/) reads and nothing that reaches Railway, a database or state:
the release workflow's dispatch token, the app's URL and the E2E test database. Production alone also gets
its reviewers, a repository secret and `main`'s branch protection. Previews declare none of this.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_github as github

from components.settings.values import GithubSettings

RELEASE_TOKEN = "CARTLY_INFRA_RELEASE_TOKEN"  # noqa: S105 (a secret's name)
TEST_DATABASE_URL = "TEST_DATABASE_URL"
APP_URL = "APP_URL"

DEFINED_SECRETS = frozenset({RELEASE_TOKEN, TEST_DATABASE_URL})
DEFINED_VARIABLES = frozenset({APP_URL})


@dataclass(frozen=True)
class GithubActionsArgs:
    settings: GithubSettings
    production: bool
    release_token: pulumi.Input[str]  # secret: can start cartly-infra's release workflow, nothing else
    app_url: str
    test_database_url: pulumi.Input[str] | None = None  # secret; production only (repository level)


class GithubActions(pulumi.ComponentResource):
    """The stack's GitHub environment, its secrets and variables (and production's repository settings)."""

    environment: pulumi.Output[str]

    def __init__(
        self, name: str, args: GithubActionsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Its type token before the token followed the module name: existing stacks update in place.
        renamed = [pulumi.Alias(type_="cartly:github:GithubActions")]
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=renamed))
        super().__init__("cartly:github_actions:GithubActions", name, None, opts)
        self._name, self._args, s = name, args, args.settings
        env = self._environment()
        self.environment = env.environment
        self._env_secret(RELEASE_TOKEN, args.release_token)
        self._env_variable(APP_URL, args.app_url)
        if args.production:
            self._repository_secret(TEST_DATABASE_URL, _required(args.test_database_url, TEST_DATABASE_URL))
            self._branch_protection(s)
        self.register_outputs({"environment": self.environment})

    def _child(self, *depends_on: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=list(depends_on))

    def _environment(self) -> github.RepositoryEnvironment:
        s = self._args.settings
        reviewers = None
        if self._args.production:
            users = [github.get_user_output(username=login).id.apply(int) for login in s.reviewers]
            teams = [github.get_team_output(slug=slug).id.apply(int) for slug in s.reviewer_teams]
            reviewers = [github.RepositoryEnvironmentReviewerArgs(users=users, teams=teams)]
        env = github.RepositoryEnvironment(
            f"{self._name}-environment",
            repository=s.repository,
            environment=s.environment,
            reviewers=reviewers,
            can_admins_bypass=not self._args.production,
            prevent_self_review=self._args.production,
            deployment_branch_policy=github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
                protected_branches=False, custom_branch_policies=True
            ),
            opts=self._child(),
        )
        github.RepositoryEnvironmentDeploymentPolicy(
            f"{self._name}-branch-policy",
            repository=s.repository,
            environment=env.environment,
            branch_pattern=s.branch,
            opts=self._child(env),
        )
        self._env = env
        return env

    def _env_secret(self, secret_name: str, value: pulumi.Input[str]) -> None:
        github.ActionsEnvironmentSecret(
            f"{self._name}-secret-{_slug(secret_name)}",
            repository=self._args.settings.repository,
            environment=self._env.environment,
            secret_name=secret_name,
            value=pulumi.Output.secret(value),
            opts=self._child(self._env),
        )

    def _env_variable(self, variable_name: str, value: pulumi.Input[str]) -> None:
        github.ActionsEnvironmentVariable(
            f"{self._name}-variable-{_slug(variable_name)}",
            repository=self._args.settings.repository,
            environment=self._env.environment,
            variable_name=variable_name,
            value=value,
            opts=self._child(self._env),
        )

    def _repository_secret(self, secret_name: str, value: pulumi.Input[str]) -> None:
        github.ActionsSecret(
            f"{self._name}-repository-secret-{_slug(secret_name)}",
            repository=self._args.settings.repository,
            secret_name=secret_name,
            value=pulumi.Output.secret(value),
            opts=self._child(),
        )

    def _branch_protection(self, s: GithubSettings) -> None:
        github.BranchProtection(
            f"{self._name}-main-protection",
            repository_id=s.repository,
            pattern="main",
            enforce_admins=True,
            required_status_checks=[
                github.BranchProtectionRequiredStatusCheckArgs(strict=True, contexts=list(s.required_checks))
            ],
            required_pull_request_reviews=[
                github.BranchProtectionRequiredPullRequestReviewArgs(
                    required_approving_review_count=1, dismiss_stale_reviews=True
                )
            ],
            opts=self._child(),
        )


def _slug(name: str) -> str:
    return name.lower().replace("_", "-")


def _required(value: pulumi.Input[str] | None, what: str) -> pulumi.Input[str]:
    if value is None:
        raise ValueError(
            f"Unable to define GitHub secret {what}: no value was given for the production stack"
        )
    return value
