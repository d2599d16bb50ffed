"""The reaper's app side: `previews.py list --app` and `previews.py app-reap` against the stub `pulumi` CLI
and a scripted GitHub. An app preview pr-<N> goes when the app repository says its pull request is not open
(asked right before the destroy) or when it was not updated for the configured age; infra-pr-<N> and the
long-lived stacks are never listed nor touched; a destroy leaves the comment and Deployment as app-down does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit.stub_pulumi.fixtures import run
from testkit.stub_pulumi.harness import StubPulumi
from tests.support.fake_github import FakeGitHub
from tests.tools.app_repository import app_repository, fake_github, stub
from tools.preview_github import MARKER

__all__ = ["app_repository", "fake_github", "stub"]  # the fixtures, imported for pytest
APP_REPO = "cartly-app/cartly"
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def app(stub: StubPulumi, app_repository: FakeGitHub) -> FakeGitHub:
    stub.seed_stack("staging", created_days_ago=400)
    stub.seed_stack("production", created_days_ago=400)
    return app_repository


def reap(tmp_path: Path, pr: int, *extra: str) -> int:
    return run(tmp_path, "app-reap", "--pr", str(pr), *extra)


def pull_asks(app: FakeGitHub, pr: int) -> list[tuple[str, str, object]]:
    return [r for r in app.state.requests if r[0] == "GET" and r[1] == f"/repos/{APP_REPO}/pulls/{pr}"]


def test_list_app_names_only_the_app_previews(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("pr-7", "infra-pr-3", "pr-12", "infra-pr-7"):
        stub.seed_stack(name, created_days_ago=1)
    assert run(tmp_path, "list", "--app", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [7, 12]
    assert run(tmp_path, "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [3, 7]


def test_an_open_fresh_preview_is_kept(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("pr-42", created_days_ago=2)
    app.state.pull(42, head_repo=APP_REPO, sha=SHA)
    assert reap(tmp_path, 42) == 0
    assert capsys.readouterr().out == "kept pr-42\n"
    assert sorted(stub.state()["stacks"]) == ["pr-42", "production", "staging"]
    assert len(pull_asks(app, 42)) == 1
    assert app.state.issue_comments(42) == []


def test_a_closed_pull_requests_preview_is_destroyed_and_the_pr_told(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("pr-42", created_days_ago=1)
    app.state.pull(42, head_repo=APP_REPO, sha=SHA, state="closed")
    deployment = app.state.deployments[1] = {"environment": "pr-42", "statuses": []}
    assert reap(tmp_path, 42) == 0
    assert capsys.readouterr().out == "removed pr-42: PR #42 is not open\n"
    assert sorted(stub.state()["stacks"]) == ["production", "staging"]
    assert len(deployment["statuses"]) == 1
    assert deployment["statuses"][0]["state"] == "inactive"
    comments = app.state.issue_comments(42)
    assert len(comments) == 1
    assert comments[0].startswith(f"{MARKER}\n### Preview of #42: removed, with its databases")
    assert "daily reaper: PR #42 is not open" in comments[0]


def test_a_stale_preview_of_an_open_pr_is_destroyed_after_the_configured_age(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("pr-42", created_days_ago=4)
    stub.seed_stack("pr-43", created_days_ago=10)
    app.state.pull(42, head_repo=APP_REPO, sha=SHA)
    app.state.pull(43, head_repo=APP_REPO, sha=SHA)
    assert reap(tmp_path, 43) == 0  # default 7 days
    assert reap(tmp_path, 42) == 0
    assert capsys.readouterr().out == "removed pr-43: not updated for 10d (more than 7d)\nkept pr-42\n"
    assert reap(tmp_path, 42, "--max-age", "3d") == 0
    assert capsys.readouterr().out == "removed pr-42: not updated for 4d (more than 3d)\n"
    assert sorted(stub.state()["stacks"]) == ["production", "staging"]
    assert "not updated for 10d" in app.state.issue_comments(43)[0]


def test_infra_previews_and_long_lived_stacks_are_never_touched(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("infra-pr-42", created_days_ago=30)
    app.state.pull(42, head_repo=APP_REPO, sha=SHA, state="closed")
    assert reap(tmp_path, 42) == 0
    assert capsys.readouterr().out == "kept pr-42\n"
    assert sorted(stub.state()["stacks"]) == ["infra-pr-42", "production", "staging"]
    assert not [c for c in stub.calls() if "destroy" in c["argv"]]
    assert app.state.issue_comments(42) == [] and app.state.deployments == {}


def test_the_pr_is_asked_at_reap_time_not_at_list_time(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("pr-42", created_days_ago=1)
    app.state.pull(42, head_repo=APP_REPO, sha=SHA)
    assert run(tmp_path, "list", "--app", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [42]
    assert pull_asks(app, 42) == []  # listing asks nothing
    app.state.pull(42, head_repo=APP_REPO, sha=SHA, state="closed")  # closed while the job waited
    assert reap(tmp_path, 42) == 0
    assert len(pull_asks(app, 42)) == 1
    assert sorted(stub.state()["stacks"]) == ["production", "staging"]


def test_an_unanswered_question_never_reads_as_closed(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("pr-42", created_days_ago=1)
    app.state.pull(42, head_repo=APP_REPO, sha=SHA, state="closed")
    app.state.fail("GET", f"/repos/{APP_REPO}/pulls/42", 502)
    assert reap(tmp_path, 42) == 1
    err = capsys.readouterr().err
    assert "Unable to reap stack 'pr-42'" in err and "HTTP 502" in err
    assert sorted(stub.state()["stacks"]) == ["pr-42", "production", "staging"]
    assert not [c for c in stub.calls() if "destroy" in c["argv"]]


def test_without_the_app_repository_token_nothing_is_asked_nor_destroyed(
    app: FakeGitHub,
    stub: StubPulumi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stub.seed_stack("pr-42", created_days_ago=30)
    monkeypatch.delenv("APP_REPOSITORY_TOKEN")
    assert reap(tmp_path, 42) == 2
    assert "APP_REPOSITORY_TOKEN is not set" in capsys.readouterr().err
    assert app.state.requests == []
    assert "pr-42" in stub.state()["stacks"]


def test_a_preview_held_by_an_update_is_kept_even_if_its_pr_closed(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("pr-42", created_days_ago=30)
    stub.script(locked=["pr-42"])
    app.state.pull(42, head_repo=APP_REPO, sha=SHA, state="closed")
    assert reap(tmp_path, 42) == 0
    assert capsys.readouterr().out == "kept pr-42\n"
    assert "pr-42" in stub.state()["stacks"]
    assert not [c for c in stub.calls() if "destroy" in c["argv"]]
    assert app.state.issue_comments(42) == []
