"""tools/previews.py against the stub `pulumi` CLI: create, update, destroy, and keeping secrets off argv."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.stub_pulumi.fixtures import GITHUB_TOKEN, PASSPHRASE, RAILWAY_TOKEN, run, stub
from testkit.stub_pulumi.harness import StubPulumi

__all__ = ["stub"]  # the fixture, imported for pytest


class TestUp:
    def test_up_creates_stack_infra_pr_n_with_the_staging_image_by_default(
        self, stub: StubPulumi, tmp_path: Path
    ) -> None:
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(tmp_path / "s.md")) == 0
        stacks = stub.state()["stacks"]
        assert list(stacks) == ["infra-pr-12"]
        assert stacks["infra-pr-12"]["config"] == {
            "cartly-infra:imageTag": {"value": "staging", "secret": False}
        }
        assert stub.commands().count("stack init") == 1

    def test_up_uses_the_image_tag_given(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert (
            run(tmp_path, "up", "--pr", "12", "--image-tag", "sha-abc123", "--summary-file", "/dev/null") == 0
        )
        assert (
            stub.state()["stacks"]["infra-pr-12"]["config"]["cartly-infra:imageTag"]["value"] == "sha-abc123"
        )

    def test_up_prints_and_writes_the_preview_url_and_summary(
        self, stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        summary = tmp_path / "summary.md"
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(summary)) == 0
        out = capsys.readouterr().out
        text = summary.read_text()
        assert text.startswith("<!-- cartly-preview -->\n")
        assert "<https://infra-pr-12.cartly.io>" in text
        assert "7 create" in text
        assert "https://infra-pr-12.cartly.io" in out

    def test_up_again_updates_the_same_stack(self, stub: StubPulumi, tmp_path: Path) -> None:
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", "/dev/null") == 0
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(tmp_path / "s.md")) == 0
        stacks = stub.state()["stacks"]
        assert len(stacks) == 1
        assert len(stacks["infra-pr-12"]["history"]) == 2
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

    def test_only_the_previews_credentials_reach_the_cli_through_the_environment(
        self, stub: StubPulumi, tmp_path: Path
    ) -> None:
        assert run(tmp_path, "up", "--pr", "7", "--summary-file", "/dev/null") == 0
        up_call = next(c for c in stub.calls() if "up" in c["argv"])
        for name in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "RAILWAY_API_TOKEN"):
            assert name in up_call["env"]
        assert "GITHUB_TOKEN" not in up_call["env"]

    @pytest.mark.parametrize(
        ("unset", "command", "message"),
        [
            ("PULUMI_BACKEND_URL", "up", "PULUMI_BACKEND_URL is not set"),
            ("PULUMI_CONFIG_PASSPHRASE", "destroy", "PULUMI_CONFIG_PASSPHRASE"),
        ],
    )
    def test_a_missing_backend_url_or_passphrase_fails_before_running_pulumi(
        self,
        stub: StubPulumi,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        unset: str,
        command: str,
        message: str,
    ) -> None:
        monkeypatch.delenv(unset)
        assert run(tmp_path, command, "--pr", "7") == 2
        assert message in capsys.readouterr().err
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
        assert "infra-pr-12` destroyed and removed" in capsys.readouterr().out

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


class TestFailureComment:
    def test_a_failed_up_replaces_the_comment_text_with_the_failure(
        self, stub: StubPulumi, tmp_path: Path
    ) -> None:
        summary = tmp_path / "s.md"
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(summary)) == 0
        assert "succeeded" in summary.read_text()
        stub.script(fail={"up": {"code": 255, "stderr": f"error: bad token {RAILWAY_TOKEN}"}})
        assert run(tmp_path, "up", "--pr", "12", "--summary-file", str(summary)) == 1
        assert summary.read_text() == (
            "<!-- cartly-preview -->\n### Preview `infra-pr-12`: failed\n\n"
            "Unable to update stack 'infra-pr-12': pulumi exited with code 255.\n\n"
            "The workflow run's log has the details.\n"
        )

    def test_a_failed_destroy_says_so_in_the_summary_file(self, stub: StubPulumi, tmp_path: Path) -> None:
        stub.seed_stack("infra-pr-2", created_days_ago=1)
        stub.script(locked=["infra-pr-2"])
        summary = tmp_path / "s.md"
        assert run(tmp_path, "destroy", "--pr", "2", "--summary-file", str(summary)) == 4
        lines = summary.read_text().splitlines()
        assert len(lines) == 6
        assert lines[1] == "### Preview `infra-pr-2`: failed"
        assert lines[3].startswith("Unable to destroy stack 'infra-pr-2': it is locked by another update.")
        assert "pulumi cancel --stack infra-pr-2" in lines[3]
