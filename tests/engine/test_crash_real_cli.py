"""The kill matrix with the real engine (issue 11): the CLI and its plugins SIGKILLed when the emulator
applies a chosen mutation, then what the README's "When a run was killed" says an operator does (empty
`.attrs` deleted, the stale lock proven and cancelled), and a plain `up` must converge; then
`preview --expect-no-changes`, `refresh --clear-pending-creates`, and a destroy for the next case."""

from __future__ import annotations

import contextlib
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pulumi import automation as auto

from testkit.fake_railway.inventory import inventory
from tests.engine.conftest import Tier
from tests.support.stack_inventory import ONE_STACK
from tools import locks

# The inline program runs in this process; when its CLI is killed, its coroutine is abandoned mid-run and
# Python reports that when it is collected.
pytestmark = [
    pytest.mark.engine,
    pytest.mark.timeout(600),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

STACK = "staging"
KILLED_AT = [
    "ProjectCreate",
    "ServiceCreate",
    "ProjectTokenCreate",
    "VariableCollectionUpsert",
    "CustomDomainCreate",
    "ServiceInstanceDeployV2",
]


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc (parent pid is the 4th field of /proc/<pid>/stat)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def sigkill_cli(cli: Path) -> list[int]:
    """SIGKILL every `cli` this process started, and everything that CLI started (its plugins)."""
    tree = _children()
    doomed: list[int] = []
    for pid in tree.get(os.getpid(), []):
        try:
            is_cli = Path(f"/proc/{pid}/exe").resolve() == cli.resolve()
        except OSError:
            continue
        if is_cli:
            stack = [pid]
            while stack:
                current = stack.pop()
                doomed.append(current)
                stack.extend(tree.get(current, []))
    for pid in doomed:
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)
    return doomed


@pytest.fixture(scope="module")
def staging(tier: Tier) -> auto.Stack:
    done = tier.init_stack(STACK)
    assert done.returncode == 0, done.stderr
    return tier.engine.stack(STACK)


def delete_empty_attrs(backend: Path) -> list[str]:
    """README: a kill can leave a checkpoint's `.attrs` sidecar empty; the checkpoint is whole, delete it."""
    empty = [attrs for attrs in backend.rglob("*.attrs") if attrs.stat().st_size == 0]
    for attrs in empty:
        attrs.unlink()
    return [attrs.name for attrs in empty]


def unlock(tier: Tier, scratch: Path) -> None:
    """README, "Stale locks": prove the lock stale as *Unlock a stack* does (no run busy, every lock older
    than min-age: here the check looks from 3 h later), then `pulumi cancel`."""
    runs = scratch / "runs.jsonl"
    runs.write_text("")  # the killed run was the only one
    backend = tier.engine.backend.as_uri()
    later = datetime.now(UTC) + timedelta(hours=3)
    argv = ["check", "--stack", STACK, "--runs", str(runs), "--backend", backend]
    assert locks.main(argv, now=later) == 0
    tier.engine.cli("cancel", "--yes", "--stack", STACK)
    assert locks.list_locks(backend, STACK) == []


@pytest.mark.parametrize("operation", KILLED_AT)
def test_a_cli_killed_after_a_mutation_converges_on_the_next_up(
    tier: Tier, staging: auto.Stack, operation: str, tmp_path: Path
) -> None:
    faults = tier.railway.backend.faults
    killed: list[int] = []
    faults.kill(operation, on_kill=lambda: killed.extend(sigkill_cli(tier.engine.cli_dir / "pulumi")))
    with pytest.raises(auto.CommandError):
        staging.up()
    assert faults.pending() == 0, f"the run never sent {operation}"
    assert faults.dead and len(killed) >= 2  # the CLI and at least one plugin
    faults.revive()

    emptied = delete_empty_attrs(tier.engine.backend)
    print(f"{operation}: killed {len(killed)} processes; empty .attrs deleted: {emptied}")
    held = locks.list_locks(tier.engine.backend.as_uri(), STACK)
    assert len(held) == 1, "the killed run's lock should still be in the backend"
    with pytest.raises(auto.ConcurrentUpdateError):
        staging.up()
    unlock(tier, tmp_path)
    result = staging.up()

    assert result.summary.result == "succeeded"
    found = inventory(tier.railway.backend)
    assert found.counts() == ONE_STACK
    assert found.duplicates() == []
    outputs = result.outputs
    env = outputs["railwayEnvironmentId"].value
    services = outputs["railwayServiceIds"].value
    assert len(services) == 2
    for role, service_id in services.items():
        active = found.active(service_id, env)
        assert active is not None and active.healthy, f"{role} is not on a healthy deployment"
        assert active.id == outputs["deploymentIds"].value[role]
    staging.preview(expect_no_changes=True)
    staging.refresh(clear_pending_creates=True)
    assert '"pending_operations"' not in tier.engine.export(STACK)

    staging.destroy()
    assert inventory(tier.railway.backend).counts() == {}
