"""tools/previews.py against the stub `pulumi` CLI: list, reap, and each error path without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testkit.stub_pulumi.fixtures import RAILWAY_TOKEN, TOOL, run, stub
from testkit.stub_pulumi.harness import StubPulumi

__all__ = ["stub"]  # the fixture, imported for pytest


class TestListAndReap:
    def test_list_shows_each_preview_with_its_idle_time_and_last_update(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("infra-pr-3", created_days_ago=10)
        stub.seed_stack("infra-pr-5", created_days_ago=1)
        stub.seed_stack("staging", created_days_ago=100)
        assert run(tmp_path, "list") == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 3
        assert lines[0].split()[:3] == ["STACK", "IDLE", "LAST"]
        assert lines[1].split()[:2] == ["infra-pr-3", "10d0h"]
        assert lines[2].split()[:2] == ["infra-pr-5", "1d0h"]
        assert " UTC " in lines[1]

    def test_list_without_previews_says_so(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("production", created_days_ago=3)
        assert run(tmp_path, "list") == 0
        assert capsys.readouterr().out == "No preview stacks.\n"

    @pytest.mark.parametrize(
        ("seeded", "args", "left", "out"),
        [
            (
                {"infra-pr-3": 1, "infra-pr-5": 1},
                ["--open-prs", "5,8"],
                ["infra-pr-5"],
                "removed infra-pr-3: PR #3 is not open\n",
            ),
            (
                {"infra-pr-5": 10, "infra-pr-6": 2},
                ["--open-prs", "5,6", "--max-age", "7d"],
                ["infra-pr-6"],
                "removed infra-pr-5: not updated for 10d (more than 7d)\n",
            ),
            ({"infra-pr-4": 1}, ["--open-prs", "4"], ["infra-pr-4"], "Nothing to reap.\n"),
        ],
        ids=["pr-closed", "past-max-age", "nothing-stale"],
    )
    def test_reap_removes_exactly_the_previews_whose_pr_is_closed_or_idle_past_max_age(
        self,
        stub: StubPulumi,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        seeded: dict[str, int],
        args: list[str],
        left: list[str],
        out: str,
    ) -> None:
        for name, days in seeded.items():
            stub.seed_stack(name, created_days_ago=days)
        assert run(tmp_path, "reap", *args) == 0
        assert sorted(stub.state()["stacks"]) == left
        assert capsys.readouterr().out == out

    def test_reap_never_touches_long_lived_stacks(self, stub: StubPulumi, tmp_path: Path) -> None:
        stub.seed_stack("staging", created_days_ago=400)
        stub.seed_stack("production", created_days_ago=400)
        stub.seed_stack("infra-pr-1", created_days_ago=1)
        assert run(tmp_path, "reap", "--open-prs", "") == 0
        assert sorted(stub.state()["stacks"]) == ["production", "staging"]
        assert not any(
            c["argv"][-1] in ("staging", "production") for c in stub.calls() if "destroy" in c["argv"]
        )

    def test_reap_goes_on_after_a_failure_and_exits_non_zero(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("infra-pr-3", created_days_ago=1)
        stub.seed_stack("infra-pr-4", created_days_ago=1)
        stub.script(fail={"destroy": {"code": 255, "stderr": "error: Railway answered 503"}})
        assert run(tmp_path, "reap", "--open-prs", "") == 1
        assert sorted(stub.state()["stacks"]) == ["infra-pr-3", "infra-pr-4"]
        lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
        assert len(lines) == 2
        assert lines[0].startswith(
            "FAILED to remove infra-pr-3 (PR #3 is not open): Unable to destroy stack 'infra-pr-3'"
        )
        assert lines[1].startswith("FAILED to remove infra-pr-4 (PR #4 is not open)")

    def test_reap_rejects_a_malformed_max_age(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit) as exit_:
            run(tmp_path, "reap", "--open-prs", "1", "--max-age", "a week")
        assert exit_.value.code == 2
        assert "age must look like 30m, 12h, 7d or 2w, got 'a week'" in capsys.readouterr().err
        assert stub.calls() == []


class TestErrors:
    def test_no_cli_on_path_is_a_clear_error(
        self,
        stub: StubPulumi,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
        assert run(tmp_path, "up", "--pr", "12") == 3
        err = capsys.readouterr().err
        assert err.startswith("previews.py up: The Pulumi CLI was not found on PATH.")
        assert "Traceback" not in err

    def test_a_locked_stack_is_a_clear_error(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("infra-pr-12", created_days_ago=1)
        stub.script(locked=["infra-pr-12"])
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 4
        err = capsys.readouterr().err
        assert err.startswith(
            "previews.py up: Unable to update stack 'infra-pr-12': it is locked by another update."
        )
        assert "pulumi cancel --stack infra-pr-12" in err
        assert "Traceback" not in err

    def test_a_failed_update_is_a_clear_error_with_the_cli_reason(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        reason = "error: Unable to create service 'web' in environment 'infra-pr-12': Not Authorized"
        stub.script(fail={"up": {"code": 255, "stderr": f"Updating (infra-pr-12):\n{reason}"}})
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 1
        err = capsys.readouterr().err
        assert err.startswith(
            "previews.py up: Unable to update stack 'infra-pr-12': pulumi exited with code 255.\n"
        )
        assert err.rstrip().endswith(reason)
        assert "Traceback" not in err

    def test_a_credential_echoed_by_the_cli_is_redacted(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.script(fail={"destroy": {"code": 1, "stderr": f"error: bad token {RAILWAY_TOKEN}"}})
        stub.seed_stack("infra-pr-2", created_days_ago=1)
        assert run(tmp_path, "destroy", "--pr", "2") == 1
        captured = capsys.readouterr()
        assert "bad token [RAILWAY_API_TOKEN redacted]" in captured.err
        assert RAILWAY_TOKEN not in captured.err + captured.out


class TestScript:
    """The file as CI runs it: `python tools/previews.py …`."""

    def test_help_lists_the_commands(self) -> None:
        done = subprocess.run(
            [sys.executable, str(TOOL), "--help"], capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0
        assert "{up,destroy,list,reap,app-up,app-down,app-reap}" in done.stdout

    def test_a_failure_ends_without_a_traceback(self, stub: StubPulumi, tmp_path: Path) -> None:
        stub.seed_stack("infra-pr-12", created_days_ago=1)
        stub.script(locked=["infra-pr-12"])
        done = subprocess.run(
            [sys.executable, str(TOOL), "--project-dir", str(tmp_path / "project"), "destroy", "--pr", "12"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 4
        assert "it is locked by another update" in done.stderr
        assert "Traceback" not in done.stderr
