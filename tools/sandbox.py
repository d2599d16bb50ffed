"""A local sandbox, no account and no internet: `scripts/sandbox [up|status|down]`.

`up` starts the Railway emulator and deploys staging and infra-pr-1 with the real engine, then prints the
outputs (secrets masked) and URLs; `down` destroys both and removes `.sandbox/`. Without the pinned CLI,
`up` says how to get it and shows the offline plan instead.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python tools/sandbox.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pulumi import automation as auto

from components.settings.keys import required_secrets
from testkit.engine_setup import FAST, emulator_env, init_stack
from testkit.real_engine import NoCli, RealEngine, find_cli
from tools import sandbox_emulator as emu
from tools.preview_stacks import IMAGE_TAG_KEY, SECRET_MASK, stack_name

REPO = Path(__file__).resolve().parents[1]
STATE = REPO / ".sandbox"
STAGING = "staging"
PREVIEW = stack_name(1)  # infra-pr-1: a preview of this repository's PR #1, forked from staging
STANDIN_GITHUB_TOKEN = "sandbox-standin-github-token"  # noqa: S105 (the stand-in plugin checks nothing)


class SandboxError(Exception):
    """A failure with its fix, reported as one line."""


def say(line: str) -> None:
    print(f"sandbox: {line}", file=sys.stderr, flush=True)


def passphrase(state: Path) -> str:
    path = state / "passphrase"
    if not path.exists():
        emu.write_private(path, secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def engine(state: Path, cli_dir: Path, emulator: emu.Emulator) -> RealEngine:
    env = emulator_env(
        emulator.url, emu.workspace_token(state), emulator.health_template, STANDIN_GITHUB_TOKEN
    )
    return RealEngine(state / "engine", cli_dir, env, defaults=FAST, passphrase=passphrase(state))


def ensure_emulator(state: Path, port: int) -> emu.Emulator:
    """The running emulator, or a new one. A recorded emulator that is gone took Railway's side of the
    sandbox with it: the stacks' state would describe objects that no longer exist, so it starts afresh."""
    found = emu.running(state)
    if found is not None:
        say(f"the Railway emulator is running at {found.base_url} (pid {found.pid})")
        return found
    if emu.recorded(state) is not None:
        say("the emulator of an earlier run is gone (stale pid file), its Railway objects too: starting over")
        emu.stop(state)
        reset(state)
    say("starting the Railway emulator on 127.0.0.1")
    started = emu.start(state, port)
    say(f"the Railway emulator is running at {started.base_url} (pid {started.pid})")
    return started


def reset(state: Path) -> None:
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(mode=0o700, parents=True, exist_ok=True)


def init_staging(sandbox: RealEngine) -> None:
    """tools/init_stack.py, generated stand-in secrets on stdin (never printed, never on a command line)."""
    wanted = required_secrets(STAGING)
    done = init_stack(sandbox, STAGING, (f"sandbox-{key.name}-{secrets.token_hex(8)}" for key in wanted))
    if done.returncode != 0:
        last = (done.stderr.strip() or "no output").splitlines()[-1]
        raise SandboxError(f"initialising stack staging failed: {last}")


def deploy(sandbox: RealEngine, name: str, config: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    say(f"pulumi up {name} (the real engine: seconds to a minute)")
    stack = sandbox.stack(name)
    for key, value in (config or {}).items():
        stack.set_config(key, auto.ConfigValue(value=value, secret=False))
    result = stack.up(show_secrets=False)
    changes = {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}
    what = ", ".join(f"{v} {k}" for k, v in sorted(changes.items())) or "no changes"
    say(f"{name}: {result.summary.result} in {time.monotonic() - started:.0f} s ({what})")


def outputs(sandbox: RealEngine, name: str) -> dict[str, Any]:
    """The stack's outputs, each secret one replaced by the mask."""
    found = sandbox.stack(name).outputs()
    return {key: SECRET_MASK if out.secret else out.value for key, out in sorted(found.items())}


def domains(value: Any) -> list[str]:
    """Every host of an https URL in an output value, to point at the emulator's health checks."""
    if isinstance(value, dict):
        return [d for item in value.values() for d in domains(item)]
    if isinstance(value, list):
        return [d for item in value for d in domains(item)]
    if isinstance(value, str) and value.startswith("https://"):
        return [value.removeprefix("https://").split("/")[0]]
    return []


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def report(sandbox: RealEngine, emulator: emu.Emulator, as_json: bool = False) -> str:
    stacks = {name: outputs(sandbox, name) for name in (STAGING, PREVIEW)}
    hosts: list[str] = []
    for found in stacks.values():
        railway_domain = [found["healthDomain"]] if isinstance(found.get("healthDomain"), str) else []
        hosts.extend(d for d in [*domains(found), *railway_domain] if d not in hosts)
    if as_json:
        urls = {"graphql": emulator.url, "health": [emulator.app_url(host) for host in hosts]}
        return json.dumps({"stacks": stacks, "emulator": urls}, indent=2) + "\n"
    lines = []
    for name, found in stacks.items():
        lines.append(f"Stack {name} outputs:")
        lines.extend(f"  {key}: {_short(json.dumps(value))}" for key, value in found.items())
        lines.append("")
    lines.append(f"Railway emulator (GraphQL, Railway's API): {emulator.url}")
    lines.append(f"Health checks the deploy gate made, per service domain: {emulator.health_template}")
    lines.extend(f"  open: {emulator.app_url(host)}" for host in hosts)
    lines.append("")
    lines.append("Long values are cut (…): `scripts/sandbox status --json` prints them whole.")
    lines.append("Tear it all down: scripts/sandbox down")
    return "\n".join(lines) + "\n"


def up(state: Path, cli_dir: Path, port: int) -> str:
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    emulator = ensure_emulator(state, port)
    sandbox = engine(state, cli_dir, emulator)
    say("initialising stack staging with generated stand-in secrets")
    init_staging(sandbox)
    deploy(sandbox, STAGING)
    deploy(sandbox, PREVIEW, {IMAGE_TAG_KEY: "staging"})
    return report(sandbox, emulator)


def down(state: Path, cli_dir: Path | None) -> str:
    if not state.exists():
        return "Nothing to tear down: no sandbox here.\n"
    emulator = emu.running(state)
    if emulator is not None and cli_dir is not None:
        sandbox = engine(state, cli_dir, emulator)
        names = {s.name for s in sandbox.stack(STAGING).workspace.list_stacks()}
        for name in (PREVIEW, STAGING):  # the preview lives in staging's project: it goes first
            if name in names:
                say(f"pulumi destroy {name}")
                try:
                    sandbox.stack(name).destroy(show_secrets=False, remove=True)
                except auto.errors.CommandError as exc:  # the state goes below anyway, the emulator too
                    say(f"destroy of {name} failed ({_last_line(exc)}): removing its state with the emulator")
    elif emulator is None:
        say("the emulator is not running: its Railway objects are already gone, nothing to destroy")
    if emu.stop(state):
        say("stopped the Railway emulator")
    shutil.rmtree(state)
    return f"Sandbox torn down: emulator stopped, {state} removed.\n"


def status(state: Path, cli_dir: Path, as_json: bool) -> str:
    emulator = emu.running(state)
    if emulator is None:
        return "No sandbox running: start one with scripts/sandbox up\n"
    return report(engine(state, cli_dir, emulator), emulator, as_json)


def _last_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else type(exc).__name__


def install_hint() -> str:
    pin = (REPO / ".pulumi-version").read_text().strip().removeprefix("v")
    return (
        f"Get the pinned Pulumi CLI v{pin}: curl -fsSL https://get.pulumi.com | sh -s -- --version {pin} "
        "(then put ~/.pulumi/bin on PATH), or install Go 1.24+ (https://go.dev/dl) and scripts/pulumi-cli "
        "builds it (about 4 minutes, once). Then run scripts/sandbox again."
    )


def offline_fallback(reason: str, run: Callable[[list[str]], int] | None = None) -> int:
    """No CLI: say why and how to get it, then show the offline plan of staging instead. Exit 0."""
    print(
        f"sandbox: the sandbox needs the Pulumi CLI, which is not available here: {reason}", file=sys.stderr
    )
    print(f"sandbox: {install_hint()}", file=sys.stderr)
    print(
        "sandbox: meanwhile, here is the offline plan of staging (scripts/plan: what it would deploy, "
        "computed without any engine; nothing was started):\n",
        file=sys.stderr,
        flush=True,
    )
    plan = run or _run_plan
    return 0 if plan(["--stack", STAGING]) == 0 else 1


def _run_plan(args: list[str]) -> int:
    return subprocess.run([sys.executable, str(REPO / "tools" / "plan.py"), *args], check=False).returncode  # noqa: S603


def main(argv: Sequence[str] | None = None, cli: Callable[[], Path] = find_cli) -> int:
    parser = argparse.ArgumentParser(prog="scripts/sandbox", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="up", choices=("up", "status", "down"))
    parser.add_argument(
        "--port", type=int, default=0, help="emulator port on 127.0.0.1 (default: a free one)"
    )
    parser.add_argument("--json", action="store_true", help="status: the outputs and URLs as JSON, whole")
    parser.add_argument("--state", type=Path, default=STATE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        try:
            cli_dir: Path | None = cli()
        except NoCli as exc:
            if args.command == "up":
                return offline_fallback(str(exc))
            if args.command == "status":
                raise SandboxError(f"{exc}. {install_hint()}") from None
            cli_dir = None
        if args.command == "up":
            assert cli_dir is not None
            text = up(args.state, cli_dir, args.port)
        elif args.command == "status":
            assert cli_dir is not None
            text = status(args.state, cli_dir, args.json)
        else:
            text = down(args.state, cli_dir)
    except (SandboxError, emu.EmulatorError) as exc:
        print(f"scripts/sandbox {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"scripts/sandbox {args.command}: interrupted: run it again to finish, or run down",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # the engine's own failure: its message, not a traceback
        print(
            f"scripts/sandbox {args.command}: failed: {_last_line(exc)}"
            f" (run it again; if it keeps failing, scripts/sandbox down starts from scratch)",
            file=sys.stderr,
        )
        return 1
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
