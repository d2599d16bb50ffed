"""The engine tier's machinery: `cli_dir` (the pinned CLI, or the whole tier skipped), and `tier`, per module
one Railway emulator and one throwaway backend (testkit/engine_setup.py) that the module's tests share in
order on one xdist worker (scripts/test runs `--dist loadfile`); then helpers to read what the engine did."""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from components.settings.keys import required_secrets
from testkit import engine_setup
from testkit.fake_railway.requestlog import LoggedRequest
from testkit.fake_railway.server import FakeRailwayServer
from testkit.real_engine import RealEngine
from testkit.standins.provider import SECRET
from tests.support.pinned_cli import pinned_cli_or_skip


@pytest.fixture(scope="session")
def cli_dir() -> Path:
    return pinned_cli_or_skip("engine tier", " (run scripts/pulumi-cli to see how to get it)")


@dataclass
class Tier:
    """One emulator and one backend; the secrets each stack was given (to search for them in plain text)."""

    engine: RealEngine
    railway: FakeRailwayServer
    given: dict[str, dict[str, str]] = field(default_factory=dict)  # stack -> {qualified key: value}

    # ---- Railway, as the emulator saw it ------------------------------------------------------------------
    def mark(self) -> int:
        return len(self.railway.backend.requests)

    def mutations_since(self, start: int) -> list[LoggedRequest]:
        return [entry for entry in list(self.railway.backend.requests)[start:] if entry.is_mutation]

    # ---- the CLI ----------------------------------------------------------------------------------------
    def init_stack(
        self, stack: str, values: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """scripts/init-stack's tool, the secrets piped one a line (as typed at its prompts)."""
        wanted = [key.qualified for key in required_secrets(stack)]
        if values is None:
            values = {key: f"sentinel-{stack}-{key.split(':')[1]}-{secrets.token_hex(4)}" for key in wanted}
        self.given.setdefault(stack, {}).update(values)
        return engine_setup.init_stack(self.engine, stack, [values[key] for key in wanted if key in values])

    def first_up(self, stack: str) -> dict[str, Any]:
        """`stack` initialised and brought up from nothing; its outputs' plain values."""
        done = self.init_stack(stack)
        assert done.returncode == 0, done.stderr
        result = self.engine.stack(stack).up()
        assert result.summary.result == "succeeded"
        return {key: output.value for key, output in result.outputs.items()}

    def sentinels(self) -> list[str]:
        return [value for given in self.given.values() for value in given.values()]


@pytest.fixture(scope="module")
def tier(cli_dir: Path) -> Iterator[Tier]:
    # Not tmp_path_factory: pytest keeps only the last 3 of /tmp/pytest-of-<user>/pytest-<N>, and another
    # pytest session of the same user (another checkout's suite) started meanwhile deletes the oldest, stack
    # file and backend included, under a module that runs for a minute.
    scratch = tempfile.TemporaryDirectory(prefix="cartly-engine-tier-")
    server = FakeRailwayServer().start()
    try:
        yield Tier(engine_setup.emulator_engine(Path(scratch.name), cli_dir, server), server)
    finally:
        server.stop()
        scratch.cleanup()


@pytest.fixture
def engine_env(tier: Tier, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tier's CLI, backend and passphrase in this process's environment, where the tools (previews.py,
    release.py) find them in CI."""
    for key, value in tier.engine.env.items():
        monkeypatch.setenv(key, value)


# ---- reading what the engine did -----------------------------------------------------------------------
class Ops:
    """The steps an operation took, from its engine events: (op, resource name). The engine's default
    providers (`default_<version>`, which the summary does not count either) are left out."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, str]] = []

    def __call__(self, event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata is not None:
            name = pre.metadata.urn.split("::")[-1]
            if not (pre.metadata.type.startswith("pulumi:providers:") and name.startswith("default")):
                self.steps.append((str(pre.metadata.op.value), name))

    def named(self, op: str) -> list[str]:
        return sorted(name for kind, name in self.steps if kind == op)

    def changed(self) -> dict[str, list[str]]:
        """Every op other than `same` (and the read-only `read`), with the resources it touched."""
        found: dict[str, list[str]] = {}
        for kind, name in self.steps:
            if kind not in ("same", "read"):
                found.setdefault(kind, []).append(name)
        return {kind: sorted(names) for kind, names in found.items()}


def resources(export: str) -> list[dict[str, Any]]:
    deployment: dict[str, Any] = json.loads(export)["deployment"]
    return list(deployment.get("resources") or [])


def resource_id(export: str, name: str) -> str:
    found = [r["id"] for r in resources(export) if r["urn"].endswith(f"::{name}")]
    assert len(found) == 1, f"expected one resource named {name} in the export, found {len(found)}"
    return str(found[0])


def provider_pickles(export: str) -> list[bytes]:
    """Every `__provider` (dill pickle, base64) of the export's dynamic resources, decoded. The engine stores
    it as a secret: in an export made with --show-secrets that is {<secret sig>: ..., "plaintext": <JSON>}."""
    found = []
    for resource in resources(export):
        for props in (resource.get("inputs") or {}, resource.get("outputs") or {}):
            value = props.get("__provider")
            if isinstance(value, dict) and "plaintext" in value:
                value = json.loads(value["plaintext"])
            if isinstance(value, str):
                found.append(base64.b64decode(value))
    return found


def unmarked_secrets(value: Any, sentinels: list[str], inside_secret: bool = False) -> list[str]:
    """Sentinels found in a recorded stand-in request outside a {"$secret": ...} wrapper."""
    if isinstance(value, dict):
        if set(value) == {SECRET}:
            return unmarked_secrets(value[SECRET], sentinels, True)
        return [hit for item in value.values() for hit in unmarked_secrets(item, sentinels, inside_secret)]
    if isinstance(value, list):
        return [hit for item in value for hit in unmarked_secrets(item, sentinels, inside_secret)]
    if isinstance(value, str) and not inside_secret:
        return [s for s in sentinels if s in value]
    return []


def standin_records(engine: RealEngine) -> list[dict[str, Any]]:
    return [json.loads(line) for line in engine.standin_log.read_text().splitlines() if line.strip()]
