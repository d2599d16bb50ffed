"""The offline plan cannot reach anything real: the program's process never receives a credential."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tools import plan
from tools.credentials import CREDENTIAL_ENV


def test_a_revision_without_a_project_file_is_an_error_result_and_starts_no_runner(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(plan.subprocess, "run", lambda command, **_: started.append(command))
    result = plan.run_stack(tmp_path, "staging")
    assert started == []
    assert result["stack"] == "staging"
    assert result["error"].startswith("Invalid configuration for stack 'staging': Pulumi.yaml: is missing")


def test_the_plan_runner_gets_no_credential_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in (*CREDENTIAL_ENV, "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.setenv(name, f"value-of-{name}")
    monkeypatch.setenv("CARTLY_ORDINARY_SETTING", "kept")
    seen: list[dict[str, str]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(kwargs["env"])
        return subprocess.CompletedProcess(command, 1, stdout="", stderr="stopped by the test")

    monkeypatch.setattr(plan.subprocess, "run", fake_run)
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    result = plan.run_stack(tmp_path, "staging")
    assert len(seen) == 1
    env = seen[0]
    assert sorted(name for name in env if name in CREDENTIAL_ENV or name.startswith("PULUMI_CONFIG")) == []
    assert env["CARTLY_ORDINARY_SETTING"] == "kept"
    assert "stopped by the test" in result["error"]
