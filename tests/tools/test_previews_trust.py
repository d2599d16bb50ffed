"""tools/previews.py treats a preview as untrusted: its own name space, numbers checked, the previews'
credentials alone handed to Pulumi, every secret it knows redacted, and a reaper that is careful."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from testkit.stub_pulumi.fixtures import GITHUB_TOKEN, run, stub
from testkit.stub_pulumi.harness import StubPulumi
from tools import preview_report
from tools.credentials import confined

__all__ = ["stub"]  # the fixture, imported for pytest


@pytest.mark.parametrize("text", ["٤٢", "\uff14\uff12", "1234567890", "0", "042", "-1", "4 2", "42\n"])
def test_a_pr_number_that_is_not_1_to_9_ascii_digits_is_refused_before_pulumi_runs(
    stub: StubPulumi, tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(tmp_path, "destroy", "--pr", text)
    assert exit_.value.code == 2
    assert "at most 9 ASCII digits (like 42)" in capsys.readouterr().err
    assert stub.calls() == []


def test_a_nine_digit_pr_number_is_accepted(stub: StubPulumi, tmp_path: Path) -> None:
    assert run(tmp_path, "destroy", "--pr", "999999999") == 0
    assert len(stub.calls()) >= 1


def test_non_ascii_digits_in_the_open_pr_list_are_refused(
    stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run(tmp_path, "reap", "--open-prs", "3,٤٢")
    assert "'٤٢'" in capsys.readouterr().err
    assert stub.calls() == []


def test_list_json_names_only_this_repositorys_previews(
    stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("infra-pr-5", "infra-pr-3", "pr-900", "staging", "infra-pr-007"):
        stub.seed_stack(name, created_days_ago=1)
    assert run(tmp_path, "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [3, 5]


def test_the_reaper_never_touches_an_app_preview(stub: StubPulumi, tmp_path: Path) -> None:
    stub.seed_stack("pr-900", created_days_ago=30)
    stub.seed_stack("infra-pr-900", created_days_ago=30)
    assert run(tmp_path, "reap", "--open-prs", "") == 0
    assert sorted(stub.state()["stacks"]) == ["pr-900"]
    destroyed = [c["argv"] for c in stub.calls() if "destroy" in c["argv"]]
    assert len(destroyed) == 1
    assert "pr-900" not in " ".join(destroyed[0]).replace("infra-pr-900", "")


def test_age_counts_from_the_last_update_not_from_creation(stub: StubPulumi, tmp_path: Path) -> None:
    stub.seed_stack("infra-pr-5", created_days_ago=30)
    assert run(tmp_path, "up", "--pr", "5", "--summary-file", "/dev/null") == 0
    assert run(tmp_path, "reap", "--open-prs", "5", "--max-age", "7d") == 0
    assert list(stub.state()["stacks"]) == ["infra-pr-5"]
    assert [c for c in stub.commands() if c.startswith("destroy")] == []


def test_a_preview_with_an_update_in_progress_is_never_reaped(
    stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.seed_stack("infra-pr-3", created_days_ago=30)
    stub.script(locked=["infra-pr-3"])
    assert run(tmp_path, "reap", "--open-prs", "") == 0
    assert list(stub.state()["stacks"]) == ["infra-pr-3"]
    assert capsys.readouterr().out == "Nothing to reap.\n"


def test_reap_with_pr_looks_at_that_preview_alone(stub: StubPulumi, tmp_path: Path) -> None:
    stub.seed_stack("infra-pr-3", created_days_ago=1)
    stub.seed_stack("infra-pr-4", created_days_ago=1)
    assert run(tmp_path, "reap", "--pr", "4", "--open-prs", "") == 0
    assert sorted(stub.state()["stacks"]) == ["infra-pr-3"]


def test_no_credential_but_the_previews_reaches_the_pulumi_cli(
    stub: StubPulumi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAILWAY_TOKEN", "production-project-token")
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", "-----BEGIN KEY-----")
    stub.seed_stack("infra-pr-2", created_days_ago=1)
    assert run(tmp_path, "destroy", "--pr", "2") == 0
    envs = [set(c["env"]) for c in stub.calls()]
    assert len(envs) >= 2
    assert all({"PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "RAILWAY_API_TOKEN"} <= env for env in envs)
    assert set().union(*envs) & {"GITHUB_TOKEN", "RAILWAY_TOKEN", "GITHUB_APP_PRIVATE_KEY"} == set()
    assert os.environ["GITHUB_TOKEN"] == GITHUB_TOKEN  # the driver's own environment is given back


def test_confined_keeps_the_previews_credentials_and_plain_settings_only() -> None:
    given = {
        "PATH": "/usr/bin",
        "HOME": "/home/runner",
        "CARTLY_HEALTH_URL_TEMPLATE": "http://x/{domain}",
        "PULUMI_BACKEND_URL": "s3://previews",
        "PULUMI_CONFIG_PASSPHRASE": "p",
        "RAILWAY_API_TOKEN": "t",
        "AWS_ACCESS_KEY_ID": "a",
        "AWS_SECRET_ACCESS_KEY": "s",
        "GITHUB_TOKEN": "g",
        "GH_TOKEN": "g",
        "INFRA_GITHUB_TOKEN": "g",
        "PULUMI_ACCESS_TOKEN": "c",
        "ACTIONS_RUNTIME_TOKEN": "r",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "o",
        "SLACK_BOT_TOKEN": "s",
        "OPENROUTER_API_KEY": "k",
        "DB_PASSWORD": "d",
    }
    kept = confined(given)
    assert len(kept) == 8
    assert sorted(kept) == [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "CARTLY_HEALTH_URL_TEMPLATE",
        "HOME",
        "PATH",
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "RAILWAY_API_TOKEN",
    ]


def test_a_stack_secret_output_echoed_later_is_redacted(
    stub: StubPulumi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.script(outputs={"url": "https://{stack}.cartly.io", "dbUrl": "postgres://u:hunter2-output@db"})
    stub.script(secret_outputs=["dbUrl"])
    assert run(tmp_path, "up", "--pr", "8", "--summary-file", "/dev/null") == 0
    stub.script(fail={"destroy": {"code": 1, "stderr": "error: cannot reach postgres://u:hunter2-output@db"}})
    assert run(tmp_path, "destroy", "--pr", "8") == 1
    captured = capsys.readouterr()
    assert "cannot reach [secret redacted]" in captured.err
    assert "hunter2-output" not in captured.err + captured.out


def test_any_variable_named_like_a_secret_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_VENDOR_API_KEY", "vendor-key-value-1")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "oidc-request-token")
    text = "a vendor-key-value-1 b oidc-request-token c plain"
    assert preview_report.redact(text) == (
        "a [SOME_VENDOR_API_KEY redacted] b [ACTIONS_ID_TOKEN_REQUEST_TOKEN redacted] c plain"
    )
