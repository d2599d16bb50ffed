"""Shared by the app preview tests: the staging program in the stub CLI's project, the app repository's
token, and a fake GitHub to reach the app repository at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testkit.stub_pulumi.fixtures import stub
from testkit.stub_pulumi.harness import StubPulumi
from tests.support.fake_github import FakeGitHub, fake_github

__all__ = ["fake_github", "stub"]  # the fixtures app_repository uses, imported for pytest

ROOT = Path(__file__).resolve().parents[2]
APP_TOKEN = "app-repository-token-that-must-never-show"


@pytest.fixture
def app_repository(
    stub: StubPulumi, fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> FakeGitHub:
    for name in ("Pulumi.yaml", "Pulumi.staging.yaml"):
        shutil.copy(ROOT / name, tmp_path / "project" / name)
    monkeypatch.setenv("APP_REPOSITORY_TOKEN", APP_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    return fake_github
