"""A release through tools/release.py against the real CLI and engine (the program inline, as the pinned CLI
has no language host): it deploys exactly the digest it is given, the digest is kept in state and never in
the stack file, and an infra-only `up` right after changes nothing. One emulator and one backend for the
module; the tests run in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.engine.conftest import Ops, Tier
from tests.tools.release_fixtures import REPOSITORY, argv, valid
from tools import release

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]  # a module's first test brings its stack up

STACK = "staging"
DIGEST = "sha256:" + "1" * 64
DEPLOY = "serviceInstanceDeployV2"
SETTINGS = "serviceInstanceUpdate"


@pytest.fixture(scope="module")
def staging(tier: Tier) -> dict[str, Any]:
    return tier.first_up(STACK)


@pytest.fixture
def cli_env(engine_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """release.py's Automation API finds the CLI, backend and passphrase in the environment, as in CI."""
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    yield


def active_images(tier: Tier, outputs: dict[str, Any]) -> dict[str, str]:
    env = outputs["railwayEnvironmentId"]
    found = {}
    for role, service in outputs["railwayServiceIds"].items():
        active = tier.railway.backend.active_deployment(service, env)
        assert active is not None, role
        found[role] = str(active.meta["image"])
    return found


def test_release_py_deploys_exactly_the_given_digest_with_one_settings_write_and_one_deploy_per_service(
    tier: Tier, staging: dict[str, Any], cli_env: None, tmp_path: Path
) -> None:
    assert set(active_images(tier, staging).values()) != {f"{REPOSITORY}@{DIGEST}"}
    start = tier.mark()
    values = valid(STACK, image=f"{REPOSITORY}@{DIGEST}")
    options = ["--project-dir", str(tier.engine.project_dir)]
    summary = tmp_path / "summary.md"
    # No GITHUB_TOKEN: no GitHub Deployment (nothing to reach offline); staging sets no Slack token.
    env = {"PULUMI_BACKEND_URL": tier.engine.env["PULUMI_BACKEND_URL"]}
    code = release.main([*options, *argv("run", values), f"--summary-file={summary}"], env=env)
    text = summary.read_text()
    assert code == 0, text
    assert "release succeeded" in text
    assert text.count(" passed its checks") == 2  # the stack's deployChecks, web and worker
    outputs = {key: output.value for key, output in tier.engine.stack(STACK).outputs().items()}
    assert outputs["imageDigest"] == DIGEST
    assert active_images(tier, outputs) == {
        "web": f"{REPOSITORY}@{DIGEST}",
        "worker": f"{REPOSITORY}@{DIGEST}",
    }
    sent = sorted(f for entry in tier.mutations_since(start) for f in entry.root_fields)
    assert len(sent) == 4
    assert sent == [DEPLOY, DEPLOY, SETTINGS, SETTINGS]
    # The digest lives in state: the tool removed it from the stack's config after the run.
    config = yaml.safe_load(tier.engine.stack_file(STACK).read_text())["config"]
    assert [key for key in config if key.endswith(":releaseDigest")] == []


def test_an_infra_only_up_right_after_the_release_changes_nothing_and_keeps_the_digest(
    tier: Tier, staging: dict[str, Any]
) -> None:
    start = tier.mark()
    ops = Ops()
    result = tier.engine.stack(STACK).up(on_event=ops)
    assert result.summary.result == "succeeded"
    assert ops.changed() == {}
    assert len(ops.named("same")) == 24
    assert tier.mutations_since(start) == []
    assert result.outputs["imageDigest"].value == DIGEST
    outputs = {key: output.value for key, output in result.outputs.items()}
    assert active_images(tier, outputs) == {
        "web": f"{REPOSITORY}@{DIGEST}",
        "worker": f"{REPOSITORY}@{DIGEST}",
    }
