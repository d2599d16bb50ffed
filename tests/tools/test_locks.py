"""tools/locks.py removes nothing itself: it says a lock is stale only when no run can hold it and every
lock file is old, so unlock.yml's `pulumi cancel` (which deletes every lock) never breaks a live update."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tools import locks

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def deploy_run(branch: str, run_id: int = 1) -> dict[str, Any]:
    return {"id": run_id, "path": locks.DEPLOY, "status": "in_progress", "head_branch": branch}


def pr_run(*numbers: int, run_id: int = 2) -> dict[str, Any]:
    return {
        "id": run_id,
        "path": locks.PR_STACKS,
        "status": "queued",
        "pull_requests": [{"number": n} for n in numbers],
    }


@pytest.fixture
def backend(tmp_path: Path) -> Path:
    return tmp_path / "state"


def plant_lock(backend: Path, stack: str, age: timedelta) -> Path:
    folder = backend / ".pulumi" / "locks" / "organization" / "cartly-infra" / stack
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / f"lock-{len(list(folder.iterdir()))}.json"
    lock.write_text("{}")
    stamp = (NOW - age).timestamp()
    os.utime(lock, (stamp, stamp))
    return lock


def check(tmp_path: Path, backend: Path, stack: str, runs: list[dict[str, Any]], *extra: str) -> int:
    runs_file = tmp_path / "runs.jsonl"
    runs_file.write_text("".join(json.dumps(r) + "\n" for r in runs))
    argv = ["check", "--stack", stack, "--runs", str(runs_file), "--backend", f"file://{backend}"]
    return locks.main([*argv, "--run-id", "99", *extra], now=NOW)


def test_an_old_lock_with_no_run_busy_is_stale(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plant_lock(backend, "production", timedelta(hours=5))
    assert check(tmp_path, backend, "production", [deploy_run("staging"), pr_run(4)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[-1] == "unlock=true"


def test_a_deploy_of_the_stacks_branch_in_progress_keeps_the_lock(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plant_lock(backend, "production", timedelta(hours=5))
    assert check(tmp_path, backend, "production", [deploy_run("main")]) == 1
    out = capsys.readouterr().out
    assert "- busy: run 1 of .github/workflows/deploy.yml is in_progress" in out
    assert out.rstrip().endswith("unlock=false")


def test_a_young_lock_is_kept_even_with_no_run_busy(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plant_lock(backend, "staging", timedelta(hours=5))
    plant_lock(backend, "staging", timedelta(minutes=20))
    assert check(tmp_path, backend, "staging", [], "--min-age", "2h") == 1
    out = capsys.readouterr().out
    assert "is only 20 min old (less than 120)" in out
    assert "unlock=true" not in out


def test_this_runs_own_id_does_not_count_as_busy(tmp_path: Path, backend: Path) -> None:
    plant_lock(backend, "production", timedelta(hours=5))
    mine = {"id": 99, "path": locks.UNLOCK, "status": "in_progress"}
    assert check(tmp_path, backend, "production", [mine]) == 0


@pytest.mark.parametrize(
    ("run", "busy"),
    [
        (pr_run(5), True),
        (pr_run(6), False),
        (pr_run(), True),  # a run that names no PR could be any preview's
        ({"id": 3, "path": locks.REAPER, "status": "in_progress"}, True),
        (deploy_run("main"), False),
    ],
)
def test_which_runs_can_hold_a_previews_lock(run: dict[str, Any], busy: bool) -> None:
    assert locks.may_touch(run, "infra-pr-5") is busy


def test_no_lock_means_nothing_to_remove(
    tmp_path: Path, backend: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(tmp_path, backend, "staging", []) == 1
    assert capsys.readouterr().out == "No lock on staging: nothing to remove.\nunlock=false\n"


@pytest.mark.parametrize("stack", ["pr-5", "infra-pr-\u0665", "production\n", "infra-pr-0123", "dev"])
def test_a_stack_that_is_not_ours_is_refused(tmp_path: Path, backend: Path, stack: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        check(tmp_path, backend, stack, [])
    assert exit_.value.code == 2


def test_a_backend_whose_locks_it_cannot_read_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs_file = tmp_path / "runs.jsonl"
    runs_file.write_text("")
    argv = ["check", "--stack", "staging", "--runs", str(runs_file), "--backend", "gs://bucket"]
    assert locks.main(argv, now=NOW) == 2
    assert "Cannot read lock files of a gs:// backend here: check by hand" in capsys.readouterr().err
