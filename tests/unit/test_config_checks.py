"""Config of the post-deploy checks: defaults per stack, and each bad input refused at validation with the key
and the fix: a smoke step without a path or with an unknown method, a threshold outside 0-100 %, a bake window
longer than the deploy timeout, a smoke secret in plain text (stored, or written into a step)."""

from __future__ import annotations

import json

from components.settings.load import parse_settings
from tests.support.smoke_steps import LOGIN_STEP
from tests.unit.test_config import LONG_LIVED_SECRETS, OWNED, only_problem, problems, settings, valid

LOGIN = {**LOGIN_STEP, "save": {"session": "token"}}


def steps(*items: object) -> str:
    return json.dumps([json.dumps(item) for item in items])


def with_smoke_secret(**overrides: str) -> tuple[dict[str, str], frozenset[str]]:
    raw, secret_keys = valid("staging", smokeUserPassword="s3cret-smoke", **overrides)
    return raw, secret_keys | {"smokeUserPassword"}


class TestDefaults:
    def test_production_bakes_for_three_minutes_with_the_runbooks_thresholds(self) -> None:
        checks = settings("production").checks
        assert (checks.bake_window_seconds, checks.bake_interval_seconds) == (180, 15)
        assert (checks.error_rate_percent, checks.min_requests) == (1.0, 50)
        assert (checks.memory_percent, checks.health_check_failures) == (85.0, 3)
        assert checks.smoke_steps == () and checks.sentry is None

    def test_staging_and_previews_do_not_bake_unless_asked(self) -> None:
        assert settings("staging").checks.bake_window_seconds == 0
        assert settings("pr-7").checks.bake_window_seconds == 0
        assert settings("staging", bakeWindowSeconds="60").checks.bake_window_seconds == 60

    def test_a_login_step_with_a_secret_reference_is_accepted_and_its_secret_listed(self) -> None:
        raw, secret_keys = with_smoke_secret(smokeSteps=steps(LOGIN))
        checks = parse_settings("staging", raw, secret_keys, OWNED).checks
        assert len(checks.smoke_steps) == 1
        assert checks.smoke_secrets == ("smokeUserPassword",)
        assert checks.post_deploy(public=True)["smoke_steps"] == [LOGIN]
        assert "smoke_steps" not in checks.post_deploy(public=False)

    def test_sentry_is_configured_by_organization_and_project(self) -> None:
        sentry = settings("staging", sentryOrganization="cartly", sentryProject="web").checks.sentry
        assert sentry is not None and (sentry.url, sentry.max_new_issues) == ("https://sentry.io", 0)


class TestBadInput:
    def test_a_step_without_a_path_is_refused_with_the_key_and_the_fix(self) -> None:
        assert only_problem("staging", smokeSteps=steps({"method": "GET"})) == (
            "cartly-infra:smokeSteps: item 0: path is missing or does not start with '/' "
            "(e.g. \"/api/auth/login\"). Fix: pulumi config set --path 'cartly-infra:smokeSteps[0]' "
            '\'{"method":"GET","path":"/health","expectField":"status"}\' --stack staging'
        )

    def test_a_step_with_an_unknown_method_is_refused(self) -> None:
        found = only_problem("staging", smokeSteps=steps({"method": "FETCH", "path": "/"}))
        assert found.startswith(
            "cartly-infra:smokeSteps: item 0: method 'FETCH' is not one of GET, POST, PUT"
        )

    def test_each_bad_step_is_reported_with_its_own_index(self) -> None:
        found = problems("staging", smokeSteps=steps({"method": "GET", "path": "/"}, {"method": "GET"}))
        assert len(found) == 1
        assert found[0].startswith("cartly-infra:smokeSteps: item 1: path is missing")
        assert "--path 'cartly-infra:smokeSteps[1]'" in found[0]

    def test_a_step_that_is_not_json_is_refused(self) -> None:
        assert "cartly-infra:smokeSteps: item 0: is not JSON" in only_problem(
            "staging", smokeSteps=json.dumps(["GET /health"])
        )

    def test_a_threshold_outside_0_to_100_percent_is_refused(self) -> None:
        assert only_problem("staging", errorRateThresholdPercent="150") == (
            "cartly-infra:errorRateThresholdPercent: '150' is not a percentage between 0 and 100. "
            "Fix: pulumi config set cartly-infra:errorRateThresholdPercent 1 --stack staging"
        )
        assert "memoryThresholdPercent: '-5'" in only_problem("staging", memoryThresholdPercent="-5")

    def test_a_bake_window_longer_than_the_deploy_timeout_allows_is_refused(self) -> None:
        assert only_problem("staging", bakeWindowSeconds="900") == (
            "cartly-infra:bakeWindowSeconds: 900s is longer than the deploy timeout allows "
            "(deployTimeoutSeconds: 600s); shorten the bake window or raise deployTimeoutSeconds. "
            "Fix: pulumi config set cartly-infra:bakeWindowSeconds 180 --stack staging"
        )

    def test_a_smoke_secret_stored_in_plain_text_is_refused(self) -> None:
        found = only_problem("staging", smokeUserPassword="hunter2")
        assert found == (
            "cartly-infra:smokeUserPassword: is stored in plain text in Pulumi.staging.yaml; "
            "set it encrypted instead. "
            "Fix: pulumi config set --secret cartly-infra:smokeUserPassword --stack staging"
        )

    def test_a_password_written_into_a_step_is_refused_and_not_repeated(self) -> None:
        plain = {**LOGIN, "body": {"email": "smoke@cartly.io", "password": "hunter2"}}
        found = only_problem("staging", smokeSteps=steps(plain))
        assert found.startswith("cartly-infra:smokeSteps: item 0: 'password' holds a secret in plain text")
        assert "hunter2" not in found
        assert '"{{secret:smokeUserPassword}}"' in found

    def test_a_step_referring_to_an_unset_secret_is_refused(self) -> None:
        found = only_problem("staging", smokeSteps=steps(LOGIN))
        assert "refers to {{secret:smokeUserPassword}} but the stack does not set it" in found

    def test_a_step_may_not_refer_to_an_app_secret(self) -> None:
        step = {"method": "GET", "path": "/x/{{secret:jwtSecret}}"}
        assert "{{secret:jwtSecret}} is not a smoke secret" in only_problem("staging", smokeSteps=steps(step))

    def test_a_sentry_token_without_a_project_is_refused(self) -> None:
        raw, secret_keys = valid("staging", sentryAuthToken="sntrys_x")
        found = problems_of(raw, secret_keys | {"sentryAuthToken"})
        assert len(found) == 2
        assert found[0].startswith("cartly-infra:sentryProject: the Sentry check needs the project slug")

    def test_no_secret_value_appears_in_any_problem(self) -> None:
        raw, secret_keys = with_smoke_secret(smokeSteps=steps(LOGIN), errorRateThresholdPercent="x")
        found = problems_of(raw, secret_keys)
        assert len(found) == 1 and all("s3cret-smoke" not in p for p in found)


def problems_of(raw: dict[str, str], secret_keys: frozenset[str]) -> tuple[str, ...]:
    from components.settings.load import ConfigError

    try:
        parse_settings("staging", raw, secret_keys, OWNED)
    except ConfigError as exc:
        return exc.problems
    raise AssertionError("expected a ConfigError")


def test_the_smoke_secret_is_optional_everywhere() -> None:
    assert "smokeUserPassword" not in LONG_LIVED_SECRETS
