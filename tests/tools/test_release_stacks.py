"""tools/release_stacks.AutomationStacks against the stub `pulumi` CLI: the digest is set for one run only,
also when the run fails, the running digest comes from the stack's outputs, and no credential is shown."""

from __future__ import annotations

import json
from pathlib import Path

from testkit.stub_pulumi.fixtures import PASSPHRASE, RAILWAY_TOKEN, stub
from testkit.stub_pulumi.harness import StubPulumi
from tools.release_stacks import RELEASE_DIGEST_KEY, AutomationStacks

__all__ = ["stub"]  # the fixture, imported for pytest

DIGEST = "sha256:" + "1" * 64


def stacks(tmp_path: Path) -> AutomationStacks:
    return AutomationStacks(tmp_path / "project")


def test_a_release_sets_the_digest_for_its_run_and_removes_it_afterwards(
    stub: StubPulumi, tmp_path: Path
) -> None:
    outcome = stacks(tmp_path).up("staging", DIGEST)
    assert outcome.ok
    commands = stub.commands()
    assert commands.index("config set") < commands.index("up --yes") < commands.index("config rm")
    assert stub.state()["stacks"]["staging"]["config"] == {}
    sets = [c["argv"] for c in stub.calls() if c["argv"][:2] == ["config", "set"]]
    assert len(sets) == 1
    assert RELEASE_DIGEST_KEY in sets[0] and DIGEST in sets[0]


def test_a_failed_release_removes_the_digest_too_and_reports_the_cli_error_redacted(
    stub: StubPulumi, tmp_path: Path
) -> None:
    stub.script(fail={"up": {"code": 255, "stderr": f"error: refused with {RAILWAY_TOKEN}"}})
    outcome = stacks(tmp_path).up("staging", DIGEST)
    assert not outcome.ok
    assert "refused with" in outcome.error
    assert RAILWAY_TOKEN not in outcome.error
    assert stub.state()["stacks"]["staging"]["config"] == {}


def test_the_running_digest_is_the_stacks_image_digest_output(stub: StubPulumi, tmp_path: Path) -> None:
    assert stacks(tmp_path).running_digest("staging") is None  # no such stack yet
    stub.script(outputs={"imageDigest": DIGEST})
    assert stacks(tmp_path).up("staging", DIGEST).ok
    assert stacks(tmp_path).running_digest("staging") == DIGEST


def test_no_credential_reaches_the_command_line(stub: StubPulumi, tmp_path: Path) -> None:
    stacks(tmp_path).up("staging", DIGEST)
    argv = " ".join(" ".join(c["argv"]) for c in stub.calls())
    assert len(stub.calls()) >= 3
    assert PASSPHRASE not in argv and RAILWAY_TOKEN not in argv


def test_the_slack_token_is_the_stacks_secret_and_none_when_unset(stub: StubPulumi, tmp_path: Path) -> None:
    found = stacks(tmp_path)
    assert found.up("staging", DIGEST).ok
    assert found.secret("staging", "cartly-infra:slackBotToken") is None
    state = stub.state()
    state["stacks"]["staging"]["config"]["cartly-infra:slackBotToken"] = {"value": "xoxb-1", "secret": True}
    (stub.state_dir / "state.json").write_text(json.dumps(state))
    assert found.secret("staging", "cartly-infra:slackBotToken") == "xoxb-1"
