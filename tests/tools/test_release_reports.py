"""What a release tells GitHub and Slack, in order and with which states, against a scripted local server."""

from __future__ import annotations

from pathlib import Path

import pytest

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
