"""The real engine (testkit/real_engine.py) pointed at a Railway emulator: the environment its providers
read, the deploy pacing for an emulator that answers at once, and tools/init_stack.py run with the secrets on
stdin. Shared by the engine tier, benchmarks/real_engine.py and the sandbox."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from testkit.fake_railway.state import WORKSPACE_TOKEN
from testkit.real_engine import REPO, RealEngine

if TYPE_CHECKING:  # the sandbox runs its emulator in a process of its own
    from testkit.fake_railway.server import FakeRailwayServer

# The emulator answers at once: no reason for the program to wait seconds between looks at a deployment.
FAST = {"deployPollSeconds": 0, "healthGateIntervalSeconds": 0, "healthGateGraceSeconds": 0}
STANDIN_GITHUB_TOKEN = "standin-github-token"  # the stand-in GitHub plugin checks nothing


def emulator_env(
    url: str, token: str, health_template: str, github_token: str = STANDIN_GITHUB_TOKEN
) -> dict[str, str]:
    """The environment the providers (and the stand-in GitHub plugin) read to reach the emulator."""
    return {
        "RAILWAY_API_URL": url,
        "RAILWAY_API_TOKEN": token,
        "RAILWAY_HEALTH_URL_TEMPLATE": health_template,
        "GITHUB_TOKEN": github_token,
    }


def emulator_engine(root: Path, cli_dir: Path, server: FakeRailwayServer) -> RealEngine:
    """A throwaway backend in `root` whose program talks to the in-process emulator, at FAST pacing."""
    health = f"{server.base_url}/apps/{{domain}}{{path}}"
    return RealEngine(root, cli_dir, emulator_env(server.url, WORKSPACE_TOKEN, health), defaults=FAST)


def init_stack(engine: RealEngine, stack: str, values: Iterable[str]) -> subprocess.CompletedProcess[str]:
    """tools/init_stack.py for `stack`, the secrets piped one a line as typed at its prompts (never argv)."""
    return subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "init_stack.py"),
            stack,
            "--project-dir",
            str(engine.project_dir),
        ],
        input="".join(value + "\n" for value in values),
        capture_output=True,
        text=True,
        env=engine.full_env,
        check=False,
        timeout=300,
    )
