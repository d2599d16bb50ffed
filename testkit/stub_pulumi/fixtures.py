"""Shared by the preview-driver tests: a stub `pulumi` first on PATH, fake credentials in the env."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.stub_pulumi.harness import StubPulumi
from tools import previews

PASSPHRASE = "passphrase-that-must-never-show"
RAILWAY_TOKEN = "railway-token-that-must-never-show"
GITHUB_TOKEN = "github-token-that-must-never-show"
TOOL = Path(__file__).resolve().parents[2] / "tools" / "previews.py"


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
