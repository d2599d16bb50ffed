"""This repository's own GitHub environments, declared by the production stack so none can exist unprotected.

`production` (required reviewers, no self-review, no admin bypass, from `main` only), `staging` (from
`staging` only) and `previews` (any branch of this repository, so it must never hold a credential that can
reach production). GitHub would otherwise create an environment on first use with no rule at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_github as github

from components.settings.values import GithubSettings

PRODUCTION, STAGING, PREVIEWS = "production", "staging", "previews"
DEPLOY_BRANCH = {PRODUCTION: "main", STAGING: "staging"}

SLACK_BOT_TOKEN = "SLACK_BOT_TOKEN"  # noqa: S105 (a secret's name)
DEFINED_SECRETS = frozenset({SLACK_BOT_TOKEN})  # what the program writes into this repository


@dataclass(frozen=True)
class InfraEnvironmentsArgs:
    settings: GithubSettings  # production's: reviewers, and the infra repository's name
    slack_bot_token: pulumi.Input[str]  # secret


class InfraEnvironments(pulumi.ComponentResource):
    """The environments `production`, `staging` and `previews` of this repository, with their rules."""

    def __init__(
        self, name: str, args: InfraEnvironmentsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cartly:infra_environments:InfraEnvironments", name, None, opts)
        s = args.settings
        if s.infra_repository is None:
            raise ValueError("Unable to declare this repository's environments: no infra repository is set")
        self._name, self._repository = name, s.infra_repository
        users = [github.get_user_output(username=login).id.apply(int) for login in s.reviewers]
        teams = [github.get_team_output(slug=slug).id.apply(int) for slug in s.reviewer_teams]
        reviewers = [github.RepositoryEnvironmentReviewerArgs(users=users, teams=teams)]
        production = self._environment(PRODUCTION, reviewers)
        staging = self._environment(STAGING, None)
        self._environment(PREVIEWS, None)
        for environment, env in ((PRODUCTION, production), (STAGING, staging)):
            self._slack_secret(environment, env, args.slack_bot_token)
        self.register_outputs({})

    def _environment(
        self, environment: str, reviewers: list[github.RepositoryEnvironmentReviewerArgs] | None
    ) -> github.RepositoryEnvironment:
        branch = DEPLOY_BRANCH.get(environment)
        policy = (
            github.RepositoryEnvironmentDeploymentBranchPolicyArgs(
                protected_branches=False, custom_branch_policies=True
            )
            if branch
            else None
        )
        env = github.RepositoryEnvironment(
            f"{self._name}-{environment}",
            repository=self._repository,
            environment=environment,
            reviewers=reviewers,
            can_admins_bypass=False,
            prevent_self_review=reviewers is not None,
            deployment_branch_policy=policy,
            opts=pulumi.ResourceOptions(parent=self),
        )
        if branch:
            github.RepositoryEnvironmentDeploymentPolicy(
                f"{self._name}-{environment}-branch-policy",
                repository=self._repository,
                environment=env.environment,
                branch_pattern=branch,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[env]),
            )
        return env

    def _slack_secret(
        self, environment: str, env: github.RepositoryEnvironment, value: pulumi.Input[str]
    ) -> None:
        github.ActionsEnvironmentSecret(
            f"{self._name}-{environment}-slack-bot-token",
            repository=self._repository,
            environment=env.environment,
            secret_name=SLACK_BOT_TOKEN,
            value=pulumi.Output.secret(value),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[env]),
        )
