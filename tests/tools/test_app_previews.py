"""tools/previews.py app-up / app-down against the stub `pulumi` CLI and a fake GitHub: the stack pr-<N> gets
exactly the dispatched digest, the pull request gets one comment (edited in place, replaced by a note on
close or failure) and a transient Deployment to environment pr-<N> (inactive on close); bad input changes
nothing anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.stub_pulumi.fixtures import run
from testkit.stub_pulumi.harness import StubPulumi
from tests.support.fake_github import FakeGitHub
from tests.tools.app_repository import APP_TOKEN, app_repository, fake_github, stub
from tools.preview_github import MARKER

__all__ = ["app_repository", "fake_github", "stub"]  # the fixtures, imported for pytest
COMMIT = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "c3" * 32
IMAGE = f"ghcr.io/cartly-app/cartly@{DIGEST}"


@pytest.fixture
def app(app_repository: FakeGitHub) -> FakeGitHub:
    app_repository.state.pull(42, head_repo="cartly-app/cartly", sha=COMMIT)
    return app_repository


def up(tmp_path: Path, *extra: str, commit: str = COMMIT, image: str = IMAGE) -> int:
    args = ("--pr", "42", "--head-repository", "cartly-app/cartly", "--head-commit", commit, "--image", image)
    return run(tmp_path, "app-up", *args, *extra)


def down(tmp_path: Path) -> int:
    return run(tmp_path, "app-down", "--pr", "42", "--head-repository", "cartly-app/cartly")


def test_up_deploys_exactly_the_digest_and_tells_the_pull_request(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert up(tmp_path) == 0
    stacks = stub.state()["stacks"]
    assert list(stacks) == ["pr-42"]
    assert stacks["pr-42"]["config"] == {"cartly-infra:imageDigest": {"value": DIGEST, "secret": False}}
    comments = app.state.issue_comments(42)
    assert len(comments) == 1
    assert comments[0].startswith(f"{MARKER}\n### Preview of #42: ready")
    assert "<https://pr-42.cartly.io>" in comments[0] and f"`{COMMIT}`" in comments[0]
    deployments = list(app.state.deployments.values())
    assert len(deployments) == 1
    d = deployments[0]
    assert (d["ref"], d["environment"], d["transient_environment"]) == (COMMIT, "pr-42", True)
    assert d["production_environment"] is False
    assert [s["state"] for s in d["statuses"]] == ["in_progress", "success"]
    assert d["statuses"][1]["environment_url"] == "https://pr-42.cartly.io"
    assert "https://pr-42.cartly.io" in capsys.readouterr().out


def test_a_push_edits_the_same_comment_and_adds_a_deployment(app: FakeGitHub, tmp_path: Path) -> None:
    assert up(tmp_path) == 0
    pushed = "89abcdef0123456789abcdef0123456789abcdef"
    app.state.pull(42, head_repo="cartly-app/cartly", sha=pushed)
    assert up(tmp_path, commit=pushed, image=f"ghcr.io/cartly-app/cartly@sha256:{'d4' * 32}") == 0
    comments = app.state.issue_comments(42)
    assert len(comments) == 1
    assert f"`{pushed}`" in comments[0] and COMMIT not in comments[0]
    assert [d["ref"] for d in app.state.deployments.values()] == [COMMIT, pushed]


def test_a_failed_up_marks_the_deployment_failed_and_says_so_in_the_comment(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path
) -> None:
    assert up(tmp_path) == 0
    stub.script(fail={"up": {"code": 255, "stderr": f"error: bad token {APP_TOKEN}"}})
    assert up(tmp_path) == 1
    comments = app.state.issue_comments(42)
    assert len(comments) == 1
    assert "### Preview of #42: failed" in comments[0] and "https://pr-42.cartly.io" not in comments[0]
    assert APP_TOKEN not in comments[0]
    last = list(app.state.deployments.values())[-1]
    assert [s["state"] for s in last["statuses"]] == ["in_progress", "failure"]


def test_down_destroys_the_stack_deactivates_its_deployments_and_leaves_a_note(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path
) -> None:
    assert up(tmp_path) == 0
    app.state.pull(42, head_repo="cartly-app/cartly", sha=COMMIT, state="closed")
    assert down(tmp_path) == 0
    assert stub.state()["stacks"] == {}
    statuses = [s["state"] for d in app.state.deployments.values() for s in d["statuses"]]
    assert statuses == ["in_progress", "success", "inactive"]
    comments = app.state.issue_comments(42)
    assert len(comments) == 1 and "### Preview of #42: removed, with its databases" in comments[0]


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--pr", "0"),
        ("--head-commit", "abc"),
        ("--image", "ghcr.io/someone/cartly@sha256:" + "c3" * 32),
        ("--head-repository", "mallory/cartly"),
    ],
)
def test_bad_input_is_refused_before_anything_is_created(
    app: FakeGitHub,
    stub: StubPulumi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
) -> None:
    given = {
        "--pr": "42",
        "--head-repository": "cartly-app/cartly",
        "--head-commit": COMMIT,
        "--image": IMAGE,
        flag: value,
    }
    argv = [part for pair in given.items() for part in pair]
    assert run(tmp_path, "app-up", *argv) == 2
    assert "Refused app preview inputs" in capsys.readouterr().err
    assert (stub.calls(), app.state.requests) == ([], [])


def test_without_the_app_repository_token_nothing_starts(
    app: FakeGitHub, stub: StubPulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APP_REPOSITORY_TOKEN")
    assert up(tmp_path) == 2
    assert (stub.calls(), app.state.requests) == ([], [])


def test_the_token_is_sent_as_a_bearer_header_only(app: FakeGitHub, tmp_path: Path) -> None:
    assert up(tmp_path) == 0
    assert len(app.state.requests) >= 5
    assert set(app.state.authorizations) == {f"Bearer {APP_TOKEN}"}
    assert all(APP_TOKEN not in repr(request) for request in app.state.requests)


@pytest.mark.parametrize(
    ("head_repo", "sha", "state", "why"),
    [
        (
            "mallory/cartly",
            COMMIT,
            "open",
            "comes from mallory/cartly, not cartly-app/cartly: a fork gets no preview",
        ),
        ("cartly-app/cartly", "f" * 40, "open", "a newer push supersedes it"),
        ("cartly-app/cartly", COMMIT, "closed", "is closed: only an open one gets a preview"),
    ],
)
def test_github_must_confirm_the_dispatch_before_anything_is_created(
    app: FakeGitHub,
    stub: StubPulumi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    head_repo: str,
    sha: str,
    state: str,
    why: str,
) -> None:
    app.state.pull(42, head_repo=head_repo, sha=sha, state=state)
    assert up(tmp_path) == 2
    assert why in capsys.readouterr().err
    assert stub.calls() == []
    assert [(method, path) for method, path, _ in app.state.requests] == [
        ("GET", "/repos/cartly-app/cartly/pulls/42")
    ]
