"""The real Pulumi engine, offline: the pinned CLI (scripts/pulumi-cli), a throwaway file backend with a real
passphrase, an isolated PULUMI_HOME holding the stand-in plugins, and the program run through the Automation
API's inline route.

Why inline: the Python language host (`pulumi-language-python`) is a separate, untagged Go module the module
proxy does not serve, so the built CLI has none. An inline program is hosted by the SDK in this process and
the CLI drives it (`--client=<addr>`); the engine, the backend, the secrets manager, the plugins and the
dynamic providers are the real ones. Inline mode skips Pulumi.yaml's `typechecker` (scripts/test runs mypy).
Dynamic providers run through the CLI's shim `pulumi-resource-pulumi-python`, which runs
`$PULUMI_RUNTIME_VIRTUALENV/bin/python -m pulumi.dynamic`: the project copy gets a `venv` link to this
interpreter's virtualenv, and PYTHONPATH names the repository so the pickled providers' modules import.

Owns `find_cli()` and `RealEngine` (one backend, one PULUMI_HOME, one project copy; stacks in it). It does not
start the Railway emulator nor say what the stacks should hold: callers pass the environment the providers
need (`extra_env`) and set the stacks' config.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from testkit.standins import install as install_standins
from testkit.standins.provider import LOG_ENV
from tools.inline_program import cartly_program

REPO = Path(__file__).resolve().parents[1]
PROJECT = "cartly-infra"
CLI_SCRIPT = REPO / "scripts" / "pulumi-cli"


class NoCli(Exception):
    """The pinned CLI cannot be had here; the message says why and how to get it."""


def find_cli() -> Path:
    """The directory of the pinned `pulumi` (and its shim), from scripts/pulumi-cli (which may build it)."""
    done = subprocess.run([str(CLI_SCRIPT)], capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no output"
        raise NoCli(f"scripts/pulumi-cli could not provide the pinned Pulumi CLI: {reason}")
    return Path(done.stdout.strip().splitlines()[-1])


@dataclass
class RealEngine:
    """One throwaway backend + PULUMI_HOME + project copy; `stack(name)` opens a stack in it."""

    root: Path  # a fresh temporary directory
    cli_dir: Path
    extra_env: Mapping[str, str] = field(default_factory=dict)
    # Project config defaults to change in the copy (e.g. the deploy pacing, for an emulator that answers
    # at once): what every stack of the copy, previews included, then runs with.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def __post_init__(self) -> None:
        self.home = self.root / "pulumi-home"
        self.backend = self.root / "backend"
        self.project_dir = self.root / "project"
        self.standin_log = self.root / "standins.jsonl"
        for path in (self.home, self.backend, self.project_dir):
            path.mkdir(parents=True, exist_ok=True)
        install_standins(self.home, sys.executable)
        shutil.copy(REPO / "Pulumi.yaml", self.project_dir / "Pulumi.yaml")
        for name in ("Pulumi.staging.yaml", "Pulumi.production.yaml"):
            # A root used again (the sandbox) keeps its stack files: they hold the salt and the secrets.
            if not (self.project_dir / name).exists():
                shutil.copy(REPO / name, self.project_dir / name)
        if self.defaults:
            project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
            for key, value in self.defaults.items():
                project["config"][key]["default"] = value
            (self.project_dir / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))
        venv = self.project_dir / "venv"
        if not venv.exists():
            venv.symlink_to(Path(sys.prefix))
        self.standin_log.touch()

    @property
    def env(self) -> dict[str, str]:
        """The environment the CLI (and every plugin it starts) runs with."""
        path = os.pathsep.join(
            [str(self.cli_dir), str(Path(sys.executable).parent), os.environ.get("PATH", "")]
        )
        pythonpath = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
        return {
            "PATH": path,
            "PYTHONPATH": pythonpath,
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": self.backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING": "true",
            LOG_ENV: str(self.standin_log),
            **self.extra_env,
        }

    @property
    def full_env(self) -> dict[str, str]:
        """This process's environment with `env` on top: for running the CLI or a tool as a subprocess."""
        return {**os.environ, **self.env}

    def workspace_options(self) -> auto.LocalWorkspaceOptions:
        return auto.LocalWorkspaceOptions(
            work_dir=str(self.project_dir),
            pulumi_home=str(self.home),
            env_vars=self.env,
            pulumi_command=auto.PulumiCommand(root=str(self.cli_dir.parent)),
        )

    def stack(self, name: str, program: Callable[[], None] = cartly_program) -> auto.Stack:
        """Create or select stack `name` of the project copy, running `program` inline."""
        return auto.create_or_select_stack(
            name, project_name=PROJECT, program=program, opts=self.workspace_options()
        )

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run the CLI itself in the project copy (what the Automation API would put on a command line)."""
        done = subprocess.run(
            [str(self.cli_dir / "pulumi"), *args, "--non-interactive"],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.project_dir,
            env=self.full_env,
            check=False,
            timeout=600,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"pulumi {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done

    def set_secret(self, stack: str, key: str, value: str) -> None:
        """`pulumi config set --secret` with the value on stdin, never on the command line."""
        self.cli("config", "set", "--secret", key, "--stack", stack, stdin=value + "\n")

    def export(self, stack: str) -> str:
        """`pulumi stack export` of the stack: the deployment as the backend stores it (secrets encrypted)."""
        return self.cli("stack", "export", "--stack", stack).stdout

    def stack_file(self, stack: str) -> Path:
        return self.project_dir / f"Pulumi.{stack}.yaml"
