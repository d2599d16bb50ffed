"""The parts of the post-deploy checks that need no Railway: smoke steps over HTTP (`responses`), the Sentry
check, and the summary's renderings (text, GitHub status line, Slack blocks, the line an error carries)."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from pulumi_railway.toolkit.check_summary import STATUS_LIMIT, Outcome, Report, Summary
from pulumi_railway.toolkit.sentry import SentrySettings, check_sentry
from pulumi_railway.toolkit.smoke import Step, run_steps

APP = "https://app.test"
SECRET = "pw-9d2e7b"  # a test value that must never surface
LOGIN = Step.parse(
    {
        "name": "login",
        "method": "POST",
        "path": "/api/auth/login",
        "body": {"password": "{{secret:smokeUserPassword}}"},
        "expectField": "session.token",
        "save": {"token": "session.token"},
    },
    0,
)
ORDER = Step.parse(
    {
        "name": "order",
        "method": "POST",
        "path": "/api/orders",
        "headers": {"Authorization": "Bearer {{saved:token}}"},
        "body": {"sku": "TEST-1"},
        "expectStatus": 201,
        "expectFragment": '"status":"placed"',
    },
    1,
)
SECRETS = {"smokeUserPassword": SECRET}


def url_for(path: str) -> str:
    return APP + path


class TestSmoke:
    @responses.activate
    def test_login_then_order_passes_sending_the_secret_and_the_saved_session(self) -> None:
        responses.post(f"{APP}/api/auth/login", json={"session": {"token": "tok-1"}})
        responses.post(f"{APP}/api/orders", status=201, body='{"status":"placed"}')
        outcome = run_steps([LOGIN, ORDER], url_for, SECRETS)
        assert (outcome.status, outcome.measured) == ("passed", "2 step(s) passed")
        assert len(responses.calls) == 2
        assert json.loads(responses.calls[0].request.body or b"{}") == {"password": SECRET}
        assert responses.calls[1].request.headers["Authorization"] == "Bearer tok-1"

    @responses.activate
    def test_an_answer_echoing_the_secret_fails_without_repeating_it(self) -> None:
        responses.post(f"{APP}/api/auth/login", status=401, json={"error": f"bad password {SECRET}"})
        outcome = run_steps([LOGIN, ORDER], url_for, SECRETS)
        assert (outcome.status, outcome.severity) == ("breached", "SEV-2")
        assert outcome.measured == "step 'login' (POST /api/auth/login): HTTP 401, expected 200"
        assert SECRET not in repr(outcome)
        assert len(responses.calls) == 1  # the first failing step ends the run

    @responses.activate
    def test_a_missing_fragment_or_field_is_named(self) -> None:
        responses.post(f"{APP}/api/auth/login", json={"session": {}})
        assert "has no field 'session.token'" in run_steps([LOGIN], url_for, SECRETS).measured
        responses.post(f"{APP}/api/orders", status=201, body="{}")
        step = Step.parse(
            {"method": "POST", "path": "/api/orders", "expectStatus": 201, "expectFragment": "x"}, 0
        )
        assert "does not contain the expected fragment 'x'" in run_steps([step], url_for, {}).measured

    @responses.activate
    def test_no_answer_and_a_missing_reference_are_breaches_that_say_why(self) -> None:
        responses.get(f"{APP}/health", body=requests.ConnectionError("refused"))
        health = Step.parse({"method": "GET", "path": "/health"}, 0)
        assert "no answer (ConnectionError)" in run_steps([health], url_for, {}).measured
        outcome = run_steps([LOGIN], url_for, {})
        assert "refers to {{secret:smokeUserPassword}}, which is not available" in outcome.measured
        assert len(responses.calls) == 1  # the health GET alone: the login was never sent


class TestSentry:
    SETTINGS = SentrySettings("https://sentry.test", "cartly", "web", max_new_issues=1)
    ISSUES = "https://sentry.test/api/0/projects/cartly/web/issues/"
    SINCE = "2026-12-04T17:00:00.000Z"

    def test_without_a_token_the_check_is_skipped_and_says_so(self) -> None:
        outcome = check_sentry(self.SETTINGS, None, self.SINCE)
        assert (outcome.status, outcome.detail) == ("skipped", "no Sentry auth token or project configured")

    @responses.activate
    def test_only_issues_first_seen_in_the_window_count(self) -> None:
        responses.get(
            self.ISSUES,
            json=[
                {"shortId": "WEB-9", "firstSeen": "2026-12-04T17:02:00Z"},
                {"shortId": "WEB-1", "firstSeen": "2026-11-01T00:00:00Z"},
            ],
        )
        outcome = check_sentry(self.SETTINGS, "tok", self.SINCE)
        assert (outcome.status, outcome.measured) == ("passed", "1 new issue(s) (WEB-9)")
        assert len(responses.calls) == 1
        assert "firstSeen%3A%3E%3D2026-12-04T17" in str(responses.calls[0].request.url)

    @responses.activate
    @pytest.mark.parametrize("answer", [{"status": 500}, {"body": requests.ConnectionError("down")}])
    def test_an_unreachable_sentry_is_not_judged_and_never_shows_the_token(self, answer: dict) -> None:
        responses.get(self.ISSUES, **answer)
        outcome = check_sentry(self.SETTINGS, "sntrys_secret", self.SINCE)
        assert outcome.status == "not judged"
        assert "sntrys_secret" not in repr(outcome)


class TestSummary:
    SUMMARY = Summary(
        "dep-1",
        (
            Outcome("duration", "passed", "42s", "600s"),
            Outcome("error rate", "breached", "3.00% (3/100 5xx)", "1% 5xx (from 50 requests)", "SEV-2"),
            Outcome("memory", "breached", "peak 91.0%", "85% of the limit", "SEV-3"),
            Outcome("sentry", "skipped", detail="no Sentry auth token or project configured"),
        ),
    ).with_failure("dep-0")

    def test_text_has_a_headline_and_one_line_per_check(self) -> None:
        lines = self.SUMMARY.to_text().splitlines()
        assert len(lines) == 5
        assert lines[0] == "SEV-2: deployment dep-1 rolled back to dep-0"
        assert (
            lines[2]
            == "- error rate: breached (3.00% (3/100 5xx) vs threshold 1% 5xx (from 50 requests)) [SEV-2]"
        )

    def test_the_github_status_description_fits_in_140_characters(self) -> None:
        text = self.SUMMARY.to_status_description()
        assert len(text) <= STATUS_LIMIT
        assert text.startswith(
            "SEV-2: deployment dep-1 rolled back to dep-0 (1 passed, 2 breached, 1 skipped)"
        )

    def test_slack_blocks_carry_the_headline_and_every_check(self) -> None:
        blocks = self.SUMMARY.to_slack_blocks()
        assert len(blocks) == 2
        assert blocks[0]["text"]["text"] == "SEV-2: deployment dep-1 rolled back to dep-0"
        assert blocks[1]["text"]["text"].count("\n") == 3
        assert ":rotating_light: memory: breached" in blocks[1]["text"]["text"]

    def test_the_error_line_reads_back_to_the_same_summary(self) -> None:
        message = f"Deployment dep-1 failed: …\n{self.SUMMARY.to_text()}\n{self.SUMMARY.error_line()}"
        assert Summary.from_error(message) == self.SUMMARY
        assert Summary.from_error("no summary here") is None
        assert Summary.from_output(self.SUMMARY.to_output()) == self.SUMMARY

    def test_a_failed_deploy_that_could_not_roll_back_says_so(self) -> None:
        summary = Summary("dep-3", (Outcome("deploy", "breached", severity="SEV-2"),)).with_failure(None)
        assert (summary.failed, summary.rolled_back) == (True, False)
        assert summary.headline() == "SEV-2: deployment dep-3 failed; nothing was rolled back"

    def test_a_sev3_breach_alone_alerts_without_rollback(self) -> None:
        summary = Summary("dep-2", (Outcome("memory", "breached", "peak 90.0%", "85%", "SEV-3"),))
        assert not summary.needs_rollback and summary.severity == "SEV-3"
        assert summary.headline() == "SEV-3: deployment dep-2 is live with an alert"


class TestReport:
    PASSED = Summary("dep-w", (Outcome("duration", "passed", "30s", "600s"),))
    ALERT = Summary("dep-q", (Outcome("memory", "breached", "peak 90.0%", "85% of the limit", "SEV-3"),))

    def test_one_message_for_the_whole_deploy_from_the_stack_output(self) -> None:
        report = Report.from_outputs(
            {"worker": self.ALERT.to_output(), "web": self.PASSED.to_output(), "db": None}
        )
        assert [name for name, _ in report.summaries] == ["web", "worker"]
        assert report.severity == "SEV-3"
        headers = [b["text"]["text"] for b in report.to_slack_blocks() if b["type"] == "header"]
        assert headers == [
            "web: deployment dep-w passed its checks",
            "worker: SEV-3: deployment dep-q is live with an alert",
        ]
        assert len(report.to_status_description()) <= STATUS_LIMIT

    def test_a_failed_run_is_read_back_from_its_errors(self) -> None:
        failed = Summary("dep-x", (Outcome("error rate", "breached", severity="SEV-2"),)).with_failure(
            "dep-0"
        )
        report = Report.from_errors(["unrelated error", f"Deployment dep-x failed: …\n{failed.error_line()}"])
        assert len(report.summaries) == 1
        assert report.severity == "SEV-2"
        assert report.to_text().startswith("dep-x: SEV-2: deployment dep-x rolled back to dep-0")
