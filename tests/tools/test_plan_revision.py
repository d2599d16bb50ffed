"""`plan.py --diff REV` takes a revision from a pull request: only a plain ref or commit id reaches git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools import plan


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (tmp_path / "a.txt").write_text("one\n")
    git("add", "a.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    return tmp_path


@pytest.mark.parametrize(
    "revision",
    ["--output=/tmp/owned", "-p", "HEAD@{1}", "main..HEAD", "HEAD:a.txt", "main;id", "$(id)", "", "a b"],
)
def test_a_revision_that_is_not_a_plain_ref_is_refused_with_the_fix(
    repo: Path, revision: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert plan.main(["--project-dir", str(repo), f"--diff={revision}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plan.py: Not a git revision: ")
    assert "Give a commit id or a branch or tag name" in err


@pytest.mark.parametrize("revision", ["main", "HEAD", "HEAD~0", "refs/heads/main"])
def test_a_plain_ref_resolves_to_its_commit(repo: Path, revision: str) -> None:
    sha = plan.resolve(revision, repo)
    assert len(sha) == 40
    assert sha == plan.resolve("main", repo)


def test_a_full_commit_id_resolves_to_itself(repo: Path) -> None:
    sha = plan.resolve("main", repo)
    assert plan.resolve(sha, repo) == sha


def test_an_unknown_ref_says_how_to_fetch_it(repo: Path) -> None:
    with pytest.raises(plan.PlanError, match=r"Unknown git revision 'origin/nowhere'.*fetch-depth: 0"):
        plan.resolve("origin/nowhere", repo)
