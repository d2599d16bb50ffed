"""Stack settings rules (layer 1, no Pulumi runtime): each refuses bad config, naming the key and the fix."""

from __future__ import annotations

import pytest

from components.settings.keys import KEYS
from components.settings.load import ConfigError, Origin, Secret, Settings, parse_settings, stack_kind

LONG_LIVED_SECRETS = [k.name for k in KEYS if k.secret and k.required_in in ("long-lived", "github")]
PRODUCTION_SECRETS = [*LONG_LIVED_SECRETS, "slackBotToken", "testDatabaseUrl"]
PROJECT_UUID = "0f0e0d0c-0b0a-4908-8706-050403020100"
OWNED = Origin(other={"github:owner": "cartly-app"})  # the stack files set github:owner beside our keys


def valid(stack: str = "staging", **overrides: str) -> tuple[dict[str, str], frozenset[str]]:
    secrets = PRODUCTION_SECRETS if stack == "production" else LONG_LIVED_SECRETS
    raw = {name: f"value-of-{name}" for name in secrets}
    raw["domain"] = {"production": "app.cartly.io", "staging": "staging.cartly.io"}.get(stack, "")
    if stack == "production":
        raw["githubReviewers"] = '["cartly-lead"]'
    raw.update(overrides)
    return {k: v for k, v in raw.items() if v != ""}, frozenset(secrets)


def settings(stack: str = "staging", **overrides: str) -> Settings:
    raw, secret_keys = valid(stack, **overrides)
    return parse_settings(stack, raw, secret_keys, OWNED)


def problems(stack: str = "staging", **overrides: str) -> tuple[str, ...]:
    raw, secret_keys = valid(stack, **overrides)
    with pytest.raises(ConfigError) as caught:
        parse_settings(stack, raw, secret_keys, OWNED)
    assert str(caught.value).startswith(f"Invalid configuration for stack '{stack}'")
    return caught.value.problems


def only_problem(stack: str = "staging", **overrides: str) -> str:
    found = problems(stack, **overrides)
    assert len(found) == 1, found
    return found[0]


class TestStackNames:
    @pytest.mark.parametrize(
        "stack",
        [
            "dev",
            "prod",
            "pr-0",
            "pr-",
            "pr-01",
            "PR-4",
            "staging2",
            "staging\n",
            "production\n",
            "pr-42\n",
            "infra-pr-7\n",
            "pr-1234567890",
            "infra-pr-0",
            "app-pr-4",
            "pr-\u0664\u0662",
        ],
    )
    def test_an_unknown_stack_name_is_refused_with_the_stacks_that_exist(self, stack: str) -> None:
        with pytest.raises(ConfigError) as caught:
            stack_kind(stack)
        assert f"Unknown stack {stack!r}" in str(caught.value)
        assert "'production', 'staging', 'pr-<N>' (an app pull request's preview) and 'infra-pr-<N>'" in str(
            caught.value
        )
        assert "pulumi stack select staging" in str(caught.value)

    def test_pr_stacks_are_previews_with_their_number(self) -> None:
        assert stack_kind("pr-42") == ("preview", 42)
        assert stack_kind("infra-pr-42") == ("preview", 42)
        assert stack_kind("production") == ("production", None)

    def test_infra_pr_stacks_are_previews_in_their_own_name_space(self) -> None:
        assert stack_kind("infra-pr-42") == ("preview", 42)
        assert stack_kind("infra-pr-999999999") == ("preview", 999999999)

    @pytest.mark.parametrize("stack", ["pr-42", "infra-pr-42"])
    def test_a_preview_fix_points_at_the_project_default(self, stack: str) -> None:
        assert "change the default of region in Pulumi.yaml" in only_problem(stack, region="mars-1")

    def test_the_infra_repository_must_not_be_the_app_repository(self) -> None:
        message = only_problem("production", githubInfraRepository="cartly")
        assert "cartly-infra:githubInfraRepository: 'cartly' is not this repository's name" in message
        fix = "pulumi config set cartly-infra:githubInfraRepository cartly-infra --stack production"
        assert fix in message


class TestSecrets:
    def test_a_missing_secret_names_the_key_and_the_set_secret_command(self) -> None:
        message = only_problem("staging", jwtSecret="")
        assert message.startswith("cartly-infra:jwtSecret: missing secret")
        assert message.endswith("Fix: pulumi config set --secret cartly-infra:jwtSecret --stack staging")

    def test_production_alone_requires_the_repository_secrets(self) -> None:
        message = only_problem("production", slackBotToken="")
        assert "pulumi config set --secret cartly-infra:slackBotToken --stack production" in message
        assert "slackBotToken" not in " ".join(settings("staging").secrets)

    def test_a_secret_stored_in_plain_text_is_refused(self) -> None:
        raw, secret_keys = valid("staging")
        with pytest.raises(ConfigError) as caught:
            parse_settings("staging", raw, secret_keys - {"redisUrl"}, OWNED)
        assert caught.value.problems == (
            "cartly-infra:redisUrl: is stored in plain text in Pulumi.staging.yaml; "
            "set it encrypted instead. Fix: pulumi config set --secret cartly-infra:redisUrl --stack staging",
        )

    def test_no_secret_value_appears_in_the_error_or_the_settings_repr(self) -> None:
        raw, secret_keys = valid("staging", region="mars-1")
        with pytest.raises(ConfigError) as caught:
            parse_settings("staging", raw, secret_keys - {"redisUrl"}, OWNED)
        assert "value-of-redisUrl" not in str(caught.value)
        assert "value-of-" not in repr(settings("staging")) + repr(Secret("value-of-x"))

    def test_previews_need_no_secret_of_their_own(self) -> None:
        preview = parse_settings("pr-7", {})
        assert preview.secrets == {}
        assert preview.github is None


class TestDomains:
    def test_a_long_lived_stack_without_a_domain_is_refused(self) -> None:
        message = only_problem("production", domain="")
        assert message == (
            "cartly-infra:domain: is not set. "
            "Fix: pulumi config set cartly-infra:domain app.cartly.io --stack production"
        )

    @pytest.mark.parametrize("domain", ["https://app.cartly.io", "App.Cartly.io", "cartly", "app..cartly.io"])
    def test_a_malformed_domain_is_refused(self, domain: str) -> None:
        message = only_problem("staging", domain=domain)
        assert f"'{domain}' is not a lowercase DNS name" in message
        assert "pulumi config set cartly-infra:domain staging.cartly.io --stack staging" in message

    def test_a_preview_domain_derives_from_the_stack_name(self) -> None:
        assert parse_settings("pr-42", {}).domain == "pr-42.cartly.io"
        assert parse_settings("pr-42", {}).app_url == "https://pr-42.cartly.io"

    def test_a_malformed_preview_parent_domain_is_refused(self) -> None:
        with pytest.raises(
            ConfigError, match=r"cartly-infra:previewDomain: 'cartly_io' is not a lowercase DNS"
        ):
            parse_settings("pr-42", {"previewDomain": "cartly_io"})


class TestImage:
    @pytest.mark.parametrize(
        "image",
        ["docker.io/cartly/cartly", "ghcr.io/Cartly/cartly", "ghcr.io/cartly", "ghcr.io/cartly/cartly:v1"],
    )
    def test_an_image_that_is_not_a_ghcr_repository_is_refused(self, image: str) -> None:
        message = only_problem("staging", image=image)
        assert (
            f"cartly-infra:image: '{image}' is not a GHCR repository like ghcr.io/<owner>/<repo>" in message
        )
        assert "pulumi config set cartly-infra:image ghcr.io/cartly-app/cartly --stack staging" in message

    def test_a_malformed_tag_is_refused(self) -> None:
        message = only_problem("staging", imageTag="main@sha256")
        assert "cartly-infra:imageTag: 'main@sha256' is not a Docker tag" in message
        assert "pulumi config set cartly-infra:imageTag staging --stack staging" in message

    def test_the_default_tag_follows_the_stack(self) -> None:
        assert settings("production").image.tag == "main"
        assert settings("staging").image.tag == "staging"
        assert parse_settings("pr-9", {}).image.tagged == "ghcr.io/cartly-app/cartly:pr-9"


class TestNumbers:
    def test_replicas_below_one_are_refused(self) -> None:
        message = only_problem("staging", webReplicas="0")
        assert message == (
            "cartly-infra:webReplicas: must be >= 1, got 0. "
            "Fix: pulumi config set cartly-infra:webReplicas 1 --stack staging"
        )

    def test_replicas_that_are_not_a_number_are_refused(self) -> None:
        message = only_problem("staging", workerReplicas="two")
        assert message.startswith("cartly-infra:workerReplicas: 'two' is not an integer")

    def test_every_problem_is_reported_at_once(self) -> None:
        found = problems("staging", webReplicas="0", region="mars-1", jwtSecret="")
        assert len(found) == 3
        assert [p.split(":")[1] for p in found] == ["region", "webReplicas", "jwtSecret"]


class TestChoices:
    def test_an_unknown_region_is_refused_with_the_known_ones(self) -> None:
        message = only_problem("staging", region="eu-west1")
        assert "cartly-infra:region: unknown region 'eu-west1' (known: us-west2, us-east4-eqdc4a," in message
        assert message.endswith("Fix: pulumi config set cartly-infra:region us-west2 --stack staging")

    def test_an_unknown_restart_policy_is_refused(self) -> None:
        message = only_problem("staging", restartPolicy="SOMETIMES")
        assert "'SOMETIMES' is not one of ALWAYS, NEVER, ON_FAILURE" in message

    def test_the_railway_environment_is_named_after_the_long_lived_stack(self) -> None:
        names = [settings(stack).environment_name for stack in ("production", "staging")]
        assert names == ["production", "staging"]

    def test_an_adopted_projects_environment_name_can_be_configured(self) -> None:
        adopted = settings("staging", railwayProjectId=PROJECT_UUID, environmentName="production")
        assert (adopted.project_id, adopted.environment_name) == (PROJECT_UUID, "production")

    def test_a_preview_environment_is_named_after_its_stack_whatever_environment_name_says(self) -> None:
        assert parse_settings("pr-7", {"environmentName": "production"}).environment_name == "pr-7"

    def test_an_adopted_project_id_must_be_a_uuid(self) -> None:
        message = only_problem("staging", railwayProjectId="my-project")
        assert "cartly-infra:railwayProjectId: 'my-project' is not a Railway project id" in message

    def test_an_unknown_key_is_refused_as_a_likely_typo(self) -> None:
        message = only_problem("staging", webReplica="2")
        assert (
            message == "cartly-infra:webReplica: unknown key (a typo?). "
            "Fix: pulumi config rm cartly-infra:webReplica --stack staging"
        )


class TestGithub:
    def test_production_needs_a_required_reviewer(self) -> None:
        message = only_problem("production", githubReviewers="[]")
        assert "production deploys need at least one required reviewer" in message
        assert (
            "pulumi config set --path 'cartly-infra:githubReviewers[0]' <login> --stack production" in message
        )

    def test_a_malformed_reviewer_login_is_refused(self) -> None:
        message = only_problem("production", githubReviewers='["not a login"]')
        assert "cartly-infra:githubReviewers: 'not a login' is not a GitHub login" in message

    def test_reviewers_that_are_not_a_list_are_refused(self) -> None:
        message = only_problem("production", githubReviewerTeams="platform")
        assert "cartly-infra:githubReviewerTeams: 'platform' is not a list of strings" in message

    def test_the_deploy_branch_follows_the_stack(self) -> None:
        production, staging = settings("production").github, settings("staging").github
        assert production is not None and staging is not None
        assert (production.environment, production.branch) == ("production", "main")
        assert (staging.environment, staging.branch) == ("staging", "staging")
