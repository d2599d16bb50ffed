"""What a release tells GitHub and Slack, in order and with which states, against a scripted local server."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_railway.toolkit.check_summary import Outcome, Summary
from tests.support.scripted_http import Scripted
from tests.tools.release_fixtures import (
    COMMIT,
    DIGEST,
    OLD_DIGEST,
    REPOSITORY,
    ROLLED_BACK_ERROR,
    ScriptedStacks,
    argv,
    valid,
)
from tools import release
from tools.release_stacks import UpOutcome

DEPLOYMENTS = "/repos/cartly-app/cartly/deployments"
SLACK = "/chat.postMessage"
LOGS = "https://github.com/cartly-app/cartly-infra/actions/runs/777"
ENV = {
    "GITHUB_TOKEN": "ghs_app_repository_token",
    "PULUMI_BACKEND_URL": "file:///tmp/none",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "cartly-app/cartly-infra",
    "GITHUB_RUN_ID": "777",
}


@pytest.fixture
def server(scripted_http: Scripted) -> Scripted:
    scripted_http.script.on("POST", DEPLOYMENTS, 201, {"id": 9001})
    scripted_http.script.on("POST", f"{DEPLOYMENTS}/9001/statuses", 201, {"id": 1})
    scripted_http.script.on("POST", SLACK, 200, {"ok": True})
    return scripted_http


def run(server: Scripted, stacks: ScriptedStacks, tmp_path: Path, stack: str = "staging") -> int:
    options = [
        f"--github-api-url={server.url}",
        f"--slack-api-url={server.url}",
        f"--summary-file={tmp_path / 's.md'}",
    ]
    return release.main([*argv("run", valid(stack)), *options], stacks=stacks, env=ENV)


def statuses(server: Scripted) -> list[dict[str, str]]:
    return [s.body for s in server.script.posts(f"{DEPLOYMENTS}/9001/statuses")]


def test_a_good_release_posts_deployment_in_progress_success_then_slack(
    server: Scripted, tmp_path: Path
) -> None:
    assert run(server, ScriptedStacks(), tmp_path) == 0
    paths = [s.path for s in server.script.seen]
    assert paths == [DEPLOYMENTS, f"{DEPLOYMENTS}/9001/statuses", f"{DEPLOYMENTS}/9001/statuses", SLACK]
    created = server.script.seen[0].body
    assert (created["ref"], created["environment"], created["auto_merge"]) == (COMMIT, "staging", False)
    assert created["required_contexts"] == [] and created["production_environment"] is False
    first, last = statuses(server)
    assert (first["state"], first["log_url"]) == ("in_progress", LOGS)
    assert "environment_url" not in first
    assert (last["state"], last["environment_url"], last["log_url"]) == (
        "success",
        "https://staging.cartly.io",
        LOGS,
    )


def test_the_slack_message_has_the_runbooks_form_and_goes_to_the_configured_channel(
    server: Scripted, tmp_path: Path
) -> None:
    run(server, ScriptedStacks(), tmp_path)
    [slack] = server.script.posts(SLACK)
    assert slack.body["channel"] == "#deploys"  # cartly-infra:slackChannel's default
    assert slack.headers["Authorization"] == "Bearer xoxb-test-token"
    lines = slack.body["text"].splitlines()
    assert lines == [
        ":white_check_mark: Cartly staging release succeeded",
        f"Commit: {COMMIT[:12]}",
        "Stack: staging",
        f"Image: {REPOSITORY}@{DIGEST}",
        f"Logs: {LOGS}",
    ]


def test_a_rolled_back_release_is_a_failure_status_saying_rolled_back_and_exits_1(
    server: Scripted, tmp_path: Path
) -> None:
    stacks = ScriptedStacks(outcomes=[UpOutcome(False, ROLLED_BACK_ERROR), UpOutcome(True)])
    assert run(server, stacks, tmp_path) == 1
    first, last = statuses(server)
    assert first["state"] == "in_progress"
    assert last["state"] == "failure"
    assert last["description"].startswith(f"Rolled back: {OLD_DIGEST[:30]}")
    assert "environment_url" not in last
    text = server.script.posts(SLACK)[0].body["text"]
    assert text.startswith(":rewind: Cartly staging release rolled back")
    assert "rolled back to deployment d-1" in text


def test_a_rolled_back_release_pins_the_previous_digest_again(server: Scripted, tmp_path: Path) -> None:
    stacks = ScriptedStacks(outcomes=[UpOutcome(False, ROLLED_BACK_ERROR), UpOutcome(True)])
    run(server, stacks, tmp_path)
    ups = [call for call in stacks.calls if call[0] == "up"]
    assert ups == [("up", "staging", DIGEST), ("up", "staging", OLD_DIGEST)]
    assert "pinned again" in (tmp_path / "s.md").read_text()


def test_a_failure_outside_the_deploy_is_an_error_status_and_exits_3(
    server: Scripted, tmp_path: Path
) -> None:
    stacks = ScriptedStacks(outcomes=[UpOutcome(False, "error: the stack is locked")])
    assert run(server, stacks, tmp_path) == 3
    assert [s["state"] for s in statuses(server)] == ["in_progress", "error"]
    assert [c for c in stacks.calls if c[0] == "up"] == [("up", "staging", DIGEST)]  # nothing to restore


def test_a_production_release_marks_a_production_environment(server: Scripted, tmp_path: Path) -> None:
    assert run(server, ScriptedStacks(), tmp_path, stack="production") == 0
    created = server.script.seen[0].body
    assert (created["environment"], created["production_environment"]) == ("production", True)
    assert statuses(server)[-1]["environment_url"] == "https://app.cartly.io"


def test_github_and_slack_outages_are_warnings_not_the_verdict(
    scripted_http: Scripted, tmp_path: Path
) -> None:
    scripted_http.script.on("POST", DEPLOYMENTS, 500, {"message": "boom"})
    scripted_http.script.on("POST", SLACK, 200, {"ok": False, "error": "channel_not_found"})
    assert run(scripted_http, ScriptedStacks(), tmp_path) == 0
    text = (tmp_path / "s.md").read_text()
    assert "GitHub refused POST deployments: HTTP 500" in text
    assert "channel_not_found" in text


def test_no_token_reaches_the_summary_or_the_output(
    server: Scripted, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", ENV["GITHUB_TOKEN"])
    stacks = ScriptedStacks(outcomes=[UpOutcome(False, f"failed: token {ENV['GITHUB_TOKEN']} refused")])
    run(server, stacks, tmp_path)
    shown = capsys.readouterr().out + (tmp_path / "s.md").read_text()
    assert len(shown) > 0
    assert ENV["GITHUB_TOKEN"] not in shown


class BrokenStacks(ScriptedStacks):
    def running_digest(self, stack: str) -> str | None:
        raise FileNotFoundError("pulumi")


def test_a_release_that_cannot_start_exits_3_with_one_message_and_no_traceback(
    server: Scripted, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(server, BrokenStacks(), tmp_path) == 3
    err = capsys.readouterr().err
    assert "release.py run: the release stopped: FileNotFoundError" in err
    assert "Traceback" not in err
    assert server.script.seen == []


def checked(deployment_id: str, *, breached: bool = False) -> Summary:
    outcomes = [
        Outcome("duration", "passed", "42s", "600s"),
        Outcome("smoke", "breached", "HTTP 500", "HTTP 200", "SEV-2")
        if breached
        else Outcome("smoke", "passed"),
        Outcome("sentry", "skipped", detail="no sentryOrganization"),
    ]
    summary = Summary(deployment_id, tuple(outcomes))
    return summary.with_failure("d-1") if breached else summary


def test_a_good_release_reports_the_stacks_post_deploy_checks_to_slack_github_and_the_summary(
    server: Scripted, tmp_path: Path
) -> None:
    checks = {"web": checked("d-web").to_output(), "worker": checked("d-worker").to_output()}
    assert run(server, ScriptedStacks(outcomes=[UpOutcome(True, "", {"update": 3}, checks)]), tmp_path) == 0
    text = server.script.posts(SLACK)[0].body["text"]
    lines = text.splitlines()
    assert len(lines) == 6 + 2 * 4 + 1  # the runbook's five lines, "Checks:", per service 4, a blank between
    assert lines[5] == "Checks:"
    assert "web: deployment d-web passed its checks" in text
    assert "- sentry: skipped: no sentryOrganization" in text
    _, last = statuses(server)
    assert last["state"] == "success"
    assert len(last["description"]) <= 140
    assert last["description"].startswith(f"{DIGEST[:19]} runs on staging. web: deployment d-web passed")
    assert "worker: deployment d-worker passed its checks" in (tmp_path / "s.md").read_text()


def test_a_rolled_back_release_reports_the_breach_read_back_from_the_failed_runs_error(
    server: Scripted, tmp_path: Path
) -> None:
    error = f"{ROLLED_BACK_ERROR}\n{checked('d-2', breached=True).error_line()}"
    assert run(server, ScriptedStacks(outcomes=[UpOutcome(False, error), UpOutcome(True)]), tmp_path) == 1
    text = server.script.posts(SLACK)[0].body["text"]
    assert text.count("SEV-2: deployment d-2 rolled back to d-1") == 1
    assert "- smoke: breached (HTTP 500 vs threshold HTTP 200) [SEV-2]" in text
    _, last = statuses(server)
    assert last["state"] == "failure"
    assert len(last["description"]) == 140  # the verdict first, then the checks, cut at GitHub's limit
    assert last["description"].startswith(f"Rolled back: {OLD_DIGEST}")
    assert "d-2: SEV-2" in last["description"]
    assert "SEV-2: deployment d-2 rolled back to d-1" in (tmp_path / "s.md").read_text()


def test_a_release_without_checks_reports_none_and_an_unreadable_summary_line_is_left_out(
    server: Scripted, tmp_path: Path
) -> None:
    error = f"{ROLLED_BACK_ERROR}\npost-deploy-checks: {{not json"
    assert run(server, ScriptedStacks(outcomes=[UpOutcome(False, error), UpOutcome(True)]), tmp_path) == 1
    text = server.script.posts(SLACK)[0].body["text"]
    assert len(text.splitlines()) == 6
    assert "Checks:" not in text
