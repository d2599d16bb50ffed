"""tools/previews.py against the stub `pulumi` CLI: the preview lifecycle, listing and reaping."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.stub_pulumi.harness import StubPulumi
from tools import previews

PASSPHRASE = "passphrase-that-must-never-show"
RAILWAY_TOKEN = "railway-token-that-must-never-show"
GITHUB_TOKEN = "github-token-that-must-never-show"
TOOL = Path(__file__).resolve().parents[1] / "tools" / "previews.py"


@pytest.fixture
def stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StubPulumi:
    stub = StubPulumi.install(tmp_path)
    monkeypatch.setenv("PATH", f"{stub.bin_dir}:{Path('/usr/bin')}:{Path('/bin')}")
    monkeypatch.setenv("STUB_PULUMI_STATE", str(stub.state_dir))
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"file://{tmp_path / 'backend'}")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("RAILWAY_API_TOKEN", RAILWAY_TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "Pulumi.yaml").write_text("name: cartly-infra\nruntime: python\n")
    return stub


def run(tmp_path: Path, *argv: str) -> int:
    return previews.main(["--project-dir", str(tmp_path / "project"), *argv])


class TestUp:
    def test_up_creates_stack_pr_n_with_the_default_image_tag(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(tmp_path / "s.md")) == 0
        stacks = stub.state()["stacks"]
        assert list(stacks) == ["pr-12"]
        assert stacks["pr-12"]["config"] == {"cartly-infra:imageTag": {"value": "pr-12", "secret": False}}
        assert stub.commands().count("stack init") == 1

    def test_up_uses_the_image_tag_given(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert (
            run(tmp_path, "up", "--pr", "12", "--image-tag", "sha-abc123", "--summary-file", "/dev/null") == 0
        )
        assert stub.state()["stacks"]["pr-12"]["config"]["cartly-infra:imageTag"]["value"] == "sha-abc123"

    def test_up_prints_and_writes_the_preview_url_and_summary(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        summary = tmp_path / "summary.md"
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(summary)) == 0
        out = capsys.readouterr().out
        text = summary.read_text()
        assert text.startswith("<!-- cartly-preview -->\n")
        assert "<https://pr-12.cartly.io>" in text
        assert "7 create" in text
        assert "https://pr-12.cartly.io" in out

    def test_up_again_updates_the_same_stack(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 0
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(tmp_path / "s.md")) == 0
        stacks = stub.state()["stacks"]
        assert len(stacks) == 1
        assert len(stacks["pr-12"]["history"]) == 2
        assert stub.commands().count("stack init") == 1
        assert "7 same" in (tmp_path / "s.md").read_text()

    def test_up_masks_secret_outputs(self, stub: StubPulumi, tmp_path: Path) -> None:
        stub.script(outputs={"url": "https://{stack}.cartly.io", "dbUrl": "postgres://u:hunter22@db"})
        stub.script(secret_outputs=["dbUrl"])
        assert run(tmp_path, "up", "--pr", "3", "--summary-file", str(tmp_path / "s.md")) == 0
        text = (tmp_path / "s.md").read_text()
        assert "| `dbUrl` | `[secret]` |" in text
        assert "hunter22" not in text


class TestCredentials:
    def test_no_secret_ever_reaches_a_pulumi_command_line(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert run(tmp_path, "up", "--pr", "7", "--summary-file", "/dev/null") == 0
        assert run(tmp_path, "destroy", "--pr", "7") == 0
        calls = stub.calls()
        assert len(calls) > 8
        argv = " ".join(" ".join(c["argv"]) for c in calls)
        for secret in (PASSPHRASE, RAILWAY_TOKEN, GITHUB_TOKEN):
            assert secret not in argv
        assert "--secret" not in argv.split()

    def test_credentials_reach_the_cli_through_the_environment(
        self, stub: StubPulumi, tmp_path: Path
    ) -> None:
        assert run(tmp_path, "up", "--pr", "7", "--summary-file", "/dev/null") == 0
        up_call = next(c for c in stub.calls() if "up" in c["argv"])
        for name in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "RAILWAY_API_TOKEN", "GITHUB_TOKEN"):
            assert name in up_call["env"]

    def test_missing_backend_url_fails_before_running_pulumi(
        self,
        stub: StubPulumi,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.delenv("PULUMI_BACKEND_URL")
        assert run(tmp_path, "up", "--pr", "7") == 2
        assert "PULUMI_BACKEND_URL is not set" in capsys.readouterr().err
        assert stub.calls() == []

    def test_missing_passphrase_fails_before_running_pulumi(
        self,
        stub: StubPulumi,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE")
        assert run(tmp_path, "destroy", "--pr", "7") == 2
        assert "PULUMI_CONFIG_PASSPHRASE" in capsys.readouterr().err
        assert stub.calls() == []


class TestDestroy:
    def test_destroy_destroys_and_removes_the_stack(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 0
        assert run(tmp_path, "destroy", "--pr", "12") == 0
        assert stub.state()["stacks"] == {}
        commands = stub.commands()
        assert commands.index("destroy --skip-preview") < commands.index("stack rm")
        assert "pr-12` destroyed and removed" in capsys.readouterr().out

    def test_destroy_of_a_missing_stack_succeeds_without_destroying(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert run(tmp_path, "destroy", "--pr", "99") == 0
        assert "did not exist" in capsys.readouterr().out
        assert [c for c in stub.commands() if c.startswith(("destroy", "stack rm"))] == []

    def test_destroy_twice_is_idempotent(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 0
        assert run(tmp_path, "destroy", "--pr", "12") == 0
        assert run(tmp_path, "destroy", "--pr", "12") == 0
        assert stub.commands().count("stack rm") == 1


class TestListAndReap:
    def test_list_shows_each_preview_with_its_age_and_last_update(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("pr-3", created_days_ago=10)
        stub.seed_stack("pr-5", created_days_ago=1)
        stub.seed_stack("staging", created_days_ago=100)
        assert run(tmp_path, "list") == 0
        lines = capsys.readouterr().out.splitlines()
        assert len(lines) == 3
        assert lines[0].split()[:3] == ["STACK", "AGE", "LAST"]
        assert lines[1].split()[:2] == ["pr-3", "10d0h"]
        assert lines[2].split()[:2] == ["pr-5", "1d0h"]
        assert " UTC " in lines[1]

    def test_list_without_previews_says_so(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("production", created_days_ago=3)
        assert run(tmp_path, "list") == 0
        assert capsys.readouterr().out == "No preview stacks.\n"

    def test_reap_destroys_previews_whose_pr_is_closed(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("pr-3", created_days_ago=1)
        stub.seed_stack("pr-5", created_days_ago=1)
        assert run(tmp_path, "reap", "--open-prs", "5,8") == 0
        assert sorted(stub.state()["stacks"]) == ["pr-5"]
        assert capsys.readouterr().out == "removed pr-3: PR #3 is not open\n"

    def test_reap_destroys_previews_older_than_max_age(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("pr-5", created_days_ago=10)
        stub.seed_stack("pr-6", created_days_ago=2)
        assert run(tmp_path, "reap", "--open-prs", "5,6", "--max-age", "7d") == 0
        assert sorted(stub.state()["stacks"]) == ["pr-6"]
        assert capsys.readouterr().out == "removed pr-5: older than 7d (created 10d ago)\n"

    def test_reap_never_touches_long_lived_stacks(self, stub: StubPulumi, tmp_path: Path) -> None:
        stub.seed_stack("staging", created_days_ago=400)
        stub.seed_stack("production", created_days_ago=400)
        stub.seed_stack("pr-1", created_days_ago=1)
        assert run(tmp_path, "reap", "--open-prs", "") == 0
        assert sorted(stub.state()["stacks"]) == ["production", "staging"]
        assert not any(
            c["argv"][-1] in ("staging", "production") for c in stub.calls() if "destroy" in c["argv"]
        )

    def test_reap_with_nothing_stale_removes_nothing(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("pr-4", created_days_ago=1)
        assert run(tmp_path, "reap", "--open-prs", "4") == 0
        assert list(stub.state()["stacks"]) == ["pr-4"]
        assert capsys.readouterr().out == "Nothing to reap.\n"

    def test_reap_goes_on_after_a_failure_and_exits_non_zero(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.seed_stack("pr-3", created_days_ago=1)
        stub.seed_stack("pr-4", created_days_ago=1)
        stub.script(locked=["pr-3"])
        assert run(tmp_path, "reap", "--open-prs", "") == 1
        assert sorted(stub.state()["stacks"]) == ["pr-3"]
        lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
        assert len(lines) == 2
        assert lines[0].startswith(
            "FAILED to remove pr-3 (PR #3 is not open): Unable to destroy stack 'pr-3'"
        )
        assert lines[1] == "removed pr-4: PR #4 is not open"

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
        stub.seed_stack("pr-12", created_days_ago=1)
        stub.script(locked=["pr-12"])
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 4
        err = capsys.readouterr().err
        assert err.startswith(
            "previews.py up: Unable to update stack 'pr-12': it is locked by another update."
        )
        assert "pulumi cancel --stack pr-12" in err
        assert "Traceback" not in err

    def test_a_failed_update_is_a_clear_error_with_the_cli_reason(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        reason = "error: Unable to create service 'web' in environment 'pr-12': Not Authorized"
        stub.script(fail={"up": {"code": 255, "stderr": f"Updating (pr-12):\n{reason}"}})
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 1
        err = capsys.readouterr().err
        assert err.startswith(
            "previews.py up: Unable to update stack 'pr-12': pulumi exited with code 255.\n"
        )
        assert err.rstrip().endswith(reason)
        assert "Traceback" not in err

    def test_a_credential_echoed_by_the_cli_is_redacted(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stub.script(fail={"destroy": {"code": 1, "stderr": f"error: bad token {RAILWAY_TOKEN}"}})
        stub.seed_stack("pr-2", created_days_ago=1)
        assert run(tmp_path, "destroy", "--pr", "2") == 1
        captured = capsys.readouterr()
        assert "bad token [RAILWAY_API_TOKEN redacted]" in captured.err
        assert RAILWAY_TOKEN not in captured.err + captured.out


class TestScript:
    """The file as CI runs it: `python tools/previews.py …`."""

    def test_help_lists_the_four_commands(self) -> None:
        done = subprocess.run(
            [sys.executable, str(TOOL), "--help"], capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0
        assert "{up,destroy,list,reap}" in done.stdout

    def test_a_failure_ends_without_a_traceback(self, stub: StubPulumi, tmp_path: Path) -> None:
        stub.seed_stack("pr-12", created_days_ago=1)
        stub.script(locked=["pr-12"])
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
