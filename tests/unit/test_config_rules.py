"""The config rules tests/test_config.py does not cover, each with its whole message: what is wrong and the
command (or, for previews, the project default) that fixes it."""

from __future__ import annotations

import pytest

from components.settings.load import ConfigError, parse_settings
from tests.unit.test_config import only_problem


class TestWholeNumbers:
    @pytest.mark.parametrize(
        ("key", "bad", "minimum", "suggested"),
        [
            ("restartMaxRetries", "-1", 0, "10"),
            ("healthcheckTimeout", "0", 1, "300"),
        ],
    )
    def test_a_number_below_its_minimum_is_refused_suggesting_the_default(
        self, key: str, bad: str, minimum: int, suggested: str
    ) -> None:
        assert only_problem("staging", **{key: bad}) == (
            f"cartly-infra:{key}: must be >= {minimum}, got {bad}. "
            f"Fix: pulumi config set cartly-infra:{key} {suggested} --stack staging"
        )

    def test_a_number_that_is_not_one_is_refused_suggesting_the_default(self) -> None:
        assert only_problem("staging", workerReplicas="two") == (
            "cartly-infra:workerReplicas: 'two' is not an integer. "
            "Fix: pulumi config set cartly-infra:workerReplicas 1 --stack staging"
        )


class TestNames:
    def test_a_github_repository_with_its_owner_is_refused(self) -> None:
        assert only_problem("staging", githubRepository="cartly-app/cartly") == (
            "cartly-infra:githubRepository: 'cartly-app/cartly' is not a repository name (just the name: "
            "the owner is github:owner). "
            "Fix: pulumi config set cartly-infra:githubRepository cartly --stack staging"
        )

    def test_a_staging_stack_reference_without_organization_and_project_is_refused(self) -> None:
        assert only_problem("staging", stagingStackRef="staging") == (
            "cartly-infra:stagingStackRef: 'staging' is not <organization>/<project>/<stack>. "
            "Fix: pulumi config set cartly-infra:stagingStackRef organization/cartly-infra/staging "
            "--stack staging"
        )

    def test_a_project_id_that_is_not_a_uuid_is_refused(self) -> None:
        assert only_problem("staging", railwayProjectId="my-project") == (
            "cartly-infra:railwayProjectId: 'my-project' is not a Railway project id (a UUID). "
            "Fix: pulumi config set cartly-infra:railwayProjectId <project-uuid> --stack staging"
        )

    def test_an_unknown_restart_policy_is_refused_with_the_command(self) -> None:
        assert only_problem("staging", restartPolicy="SOMETIMES") == (
            "cartly-infra:restartPolicy: 'SOMETIMES' is not one of ALWAYS, NEVER, ON_FAILURE. "
            "Fix: pulumi config set cartly-infra:restartPolicy ON_FAILURE --stack staging"
        )


class TestLists:
    def test_a_malformed_team_slug_is_refused_naming_its_position(self) -> None:
        assert only_problem("production", githubReviewerTeams='["platform", "Platform Team"]') == (
            "cartly-infra:githubReviewerTeams: 'Platform Team' is not a team slug. "
            "Fix: pulumi config set --path 'cartly-infra:githubReviewerTeams[1]' <value> --stack production"
        )

    def test_a_list_key_holding_a_plain_string_is_refused_with_rm_then_set(self) -> None:
        assert only_problem("production", requiredStatusChecks='"test"') == (
            "cartly-infra:requiredStatusChecks: '\"test\"' is not a list of strings. "
            "Fix: pulumi config rm cartly-infra:requiredStatusChecks --stack production && "
            "pulumi config set --path 'cartly-infra:requiredStatusChecks[0]' <value> --stack production"
        )


class TestPreviews:
    def test_a_preview_error_points_at_the_project_default_not_a_stack_file(self) -> None:
        with pytest.raises(ConfigError) as caught:
            parse_settings("pr-42", {"previewDomain": "cartly_io"})
        assert caught.value.problems == (
            "cartly-infra:previewDomain: 'cartly_io' is not a lowercase DNS name. Fix: change the default of "
            "previewDomain in Pulumi.yaml (preview stacks run on the project's defaults: "
            "their stack file holds only imageTag, which the preview driver writes)",
        )

    def test_a_preview_with_too_few_replicas_points_at_the_project_default(self) -> None:
        with pytest.raises(ConfigError) as caught:
            parse_settings("pr-42", {"webReplicas": "0"})
        assert caught.value.problems == (
            "cartly-infra:webReplicas: must be >= 1, got 0. Fix: change the default of webReplicas in "
            "Pulumi.yaml (preview stacks run on the project's defaults: their stack file holds only "
            "imageTag, "
            "which the preview driver writes)",
        )
