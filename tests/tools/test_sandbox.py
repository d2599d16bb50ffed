"""scripts/sandbox's tool: `up` from nothing, `up` again, `down`, run as a newcomer runs them (a process
of its own, which leaves the emulator running in the background), with one sandbox shared by the module's
engine tests in order. Then the failures: no CLI (the offline plan instead), a port in use, a stale pid file.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from testkit.real_engine import NoCli, RealEngine
from tests.support.pinned_cli import pinned_cli_or_skip
from tools import sandbox
from tools import sandbox_emulator as emu

REPO = Path(__file__).resolve().parents[2]


def run(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "tools" / "sandbox.py"), *args, "--state", str(state)],
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )


@pytest.fixture(scope="module")
def cli_dir() -> Path:
    return pinned_cli_or_skip("sandbox")


@pytest.fixture(scope="module")
def state(cli_dir: Path) -> Iterator[Path]:
    scratch = tempfile.TemporaryDirectory(prefix="cartly-sandbox-test-")
    path = Path(scratch.name) / "sandbox"
    try:
        yield path
    finally:
        if path.exists():  # a failed test left it up: never leave an emulator running
            run(path, "down")
        scratch.cleanup()


@pytest.fixture(scope="module")
def first_up(state: Path) -> subprocess.CompletedProcess[str]:
    return run(state, "up")


def graphql(state: Path, query: str, **variables: Any) -> dict[str, Any]:
    emulator = emu.recorded(state)
    assert emulator is not None
    answer = requests.post(
        emulator.url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {emu.workspace_token(state)}"},
        timeout=10,
    )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return dict(body["data"])


def stack_secrets(state: Path, cli_dir: Path) -> list[str]:
    """The secret values staging was given (decrypted with the sandbox's passphrase), to search output for."""
    engine_ = RealEngine(state / "engine", cli_dir, passphrase=sandbox.passphrase(state))
    shown = json.loads(engine_.cli("config", "--show-secrets", "--json", "--stack", "staging").stdout)
    return [str(entry["value"]) for entry in shown.values() if entry.get("secret")]


Test = TypeVar("Test", bound=Callable[..., None])


def on_the_engine(test: Test) -> Test:
    """A test of the module's shared sandbox, run by the real engine: marked `engine`, given five minutes."""
    return pytest.mark.engine(pytest.mark.timeout(300)(test))


@pytest.mark.parametrize("stack", ["staging", "infra-pr-1"])
@on_the_engine
def test_up_from_nothing_deploys_web_and_worker_of_staging_and_the_preview_on_the_emulator(
    first_up: subprocess.CompletedProcess[str], state: Path, stack: str
) -> None:
    assert first_up.returncode == 0, first_up.stderr
    assert f"Stack {stack} outputs:" in first_up.stdout
    status = run(state, "status", "--json")
    assert status.returncode == 0, status.stderr
    outputs = json.loads(status.stdout)["stacks"][stack]
    project, env = outputs["railwayProjectId"], outputs["railwayEnvironmentId"]
    envs = graphql(
        state, "query($p: String!) { environments(projectId: $p) { edges { node { id name } } } }", p=project
    )
    names = {edge["node"]["id"]: edge["node"]["name"] for edge in envs["environments"]["edges"]}
    assert len(names) == 2  # staging and the preview forked from it, in staging's project
    assert names[env] == stack
    assert sorted(outputs["railwayServiceIds"]) == ["web", "worker"]
    for service in outputs["railwayServiceIds"].values():
        found = graphql(
            state,
            "query($e: String!, $s: String!) { serviceInstance(environmentId: $e, serviceId: $s) "
            "{ latestDeployment { status } } }",
            e=env,
            s=service,
        )
        assert found["serviceInstance"]["latestDeployment"]["status"] == "SUCCESS"


@on_the_engine
def test_up_prints_the_emulator_urls_and_masks_every_secret(
    first_up: subprocess.CompletedProcess[str], state: Path, cli_dir: Path
) -> None:
    emulator = emu.recorded(state)
    assert emulator is not None
    health = [line for line in first_up.stdout.splitlines() if line.strip().startswith("open: ")]
    assert len(health) == 4  # the custom and the Railway domain of each stack's web service
    for line in health:
        assert requests.get(line.split("open: ")[1], timeout=10).json() == {"status": "ok"}
    assert emulator.url in first_up.stdout
    assert "scripts/sandbox down" in first_up.stdout
    assert "[secret]" in first_up.stdout
    hidden = [*stack_secrets(state, cli_dir), sandbox.passphrase(state), emu.workspace_token(state)]
    assert len(hidden) == 11  # staging's nine secrets, the passphrase, the emulator's token
    shown = first_up.stdout + first_up.stderr
    assert [value for value in hidden if value in shown] == []
    for name in ("passphrase", "railway-token"):
        assert (state / name).stat().st_mode & 0o777 == 0o600


@on_the_engine
def test_a_second_up_changes_nothing_on_the_same_emulator(
    first_up: subprocess.CompletedProcess[str], state: Path
) -> None:
    before = emu.recorded(state)
    again = run(state, "up")
    assert again.returncode == 0, again.stderr
    unchanged = [line for line in again.stderr.splitlines() if "succeeded" in line and "(no changes)" in line]
    assert len(unchanged) == 2, again.stderr
    assert emu.recorded(state) == before


@on_the_engine
def test_down_leaves_no_emulator_and_no_state(
    first_up: subprocess.CompletedProcess[str], state: Path
) -> None:
    emulator = emu.recorded(state)
    assert emulator is not None
    done = run(state, "down")
    assert done.returncode == 0, done.stderr
    destroyed = [line for line in done.stderr.splitlines() if "pulumi destroy" in line]
    assert len(destroyed) == 2
    assert not state.exists()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{emulator.pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not emu.is_ours(emulator.pid)
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.app_url("x"), timeout=2)
    assert run(state, "down").stdout == "Nothing to tear down: no sandbox here.\n"


# ---- failures, without the engine -----------------------------------------------------------------------
def no_cli() -> Path:
    raise NoCli("scripts/pulumi-cli could not provide the pinned Pulumi CLI: no Go toolchain to build it")


def test_without_the_cli_up_says_why_and_how_to_get_it_then_shows_the_offline_plan(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "sandbox"
    code = sandbox.main(["up", "--state", str(state)], cli=no_cli)
    out, err = capfd.readouterr()
    assert code == 0
    assert "no Go toolchain to build it" in err
    assert "get.pulumi.com" in err and "go.dev/dl" in err
    assert "offline plan of staging" in err
    assert "staging" in out and "[secret]" in out  # tools/plan.py's own output, secrets masked
    assert not state.exists()  # nothing was started


def test_when_scripts_pulumi_cli_really_fails_up_still_exits_0_with_the_offline_plan(tmp_path: Path) -> None:
    """No pulumi on PATH, an empty CLI cache, and Go unable to fetch a module (GOPROXY=off, empty module
    cache): scripts/pulumi-cli fails in a second, as on a machine without the CLI."""
    if shutil.which("pulumi", path="/usr/bin:/bin"):
        pytest.skip("a pulumi in /usr/bin or /bin: scripts/pulumi-cli would find it")
    env = {
        **os.environ,
        "PATH": "/usr/bin:/bin",
        "CARTLY_PULUMI_CLI_CACHE": str(tmp_path / "cli-cache"),
        "GOMODCACHE": str(tmp_path / "go-mod"),
        "GOPROXY": "off",
        "GOFLAGS": "",
    }
    state = tmp_path / "sandbox"
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "sandbox.py"), "up", "--state", str(state)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "could not provide the pinned Pulumi CLI" in done.stderr
    assert "get.pulumi.com" in done.stderr
    assert done.stdout.startswith("Stack staging: ")  # tools/plan.py's offline plan
    assert not state.exists()


def test_status_without_the_cli_is_one_line_naming_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = sandbox.main(["status", "--state", str(tmp_path)], cli=no_cli)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1
    assert "get.pulumi.com" in err[0]


def test_a_port_in_use_is_refused_naming_the_port_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = sandbox.main(["up", "--port", str(port), "--state", str(tmp_path)], cli=lambda: tmp_path)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1] == (
        f"scripts/sandbox up: port {port} on 127.0.0.1 is in use: pick another with --port, or leave it "
        "out for a free one"
    )
    assert not (tmp_path / "emulator.json").exists()


def test_a_stale_pid_file_naming_another_process_is_neither_trusted_nor_killed(tmp_path: Path) -> None:
    emu.write_private(
        tmp_path / "emulator.json", json.dumps({"pid": os.getpid(), "base_url": "http://127.0.0.1:9"})
    )
    assert emu.recorded(tmp_path) == emu.Emulator(os.getpid(), "http://127.0.0.1:9")
    assert emu.running(tmp_path) is None
    assert emu.stop(tmp_path) is False  # this very process: still alive after


def test_a_torn_pid_file_reads_as_no_emulator(tmp_path: Path) -> None:
    (tmp_path / "emulator.json").write_text('{"pid": ')
    assert emu.recorded(tmp_path) is None
    assert emu.running(tmp_path) is None


def test_up_after_the_emulator_died_starts_afresh_instead_of_trusting_state_about_objects_now_gone(
    tmp_path: Path,
) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    emu.write_private(
        tmp_path / "emulator.json", json.dumps({"pid": gone.pid, "base_url": "http://127.0.0.1:9"})
    )
    (tmp_path / "engine").mkdir()
    started = sandbox.ensure_emulator(tmp_path, 0)
    try:
        assert started.pid != gone.pid
        assert not (tmp_path / "engine").exists()  # the stacks' state described the dead emulator's objects
        assert emu.running(tmp_path) == started
    finally:
        assert emu.stop(tmp_path) is True


def test_ctrl_c_is_one_line_saying_what_to_do_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> Path:
        raise KeyboardInterrupt

    code = sandbox.main(["up", "--state", str(tmp_path)], cli=interrupted)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 130
    assert err == ["scripts/sandbox up: interrupted: run it again to finish, or run down"]
