"""First use of a long-lived stack, idempotent: `scripts/init-stack production|staging`.

Creates the stack if missing (the passphrase provider writes its `encryptionsalt`), then asks for each secret
the stack must hold and does not yet, and stores it with `pulumi config set --secret` fed on stdin: never on a
command line, never echoed. Run again, it changes nothing; every failure is one message naming the fix.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as `python tools/init_stack.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components.settings.keys import Key, required_secrets

PROJECT_DIR = Path(__file__).resolve().parents[1]
LONG_LIVED = ("production", "staging")


class InitError(Exception):
    """A failure with its fix, reported as one line."""


def pulumi(project_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("pulumi")
    if exe is None:
        raise InitError("no `pulumi` on PATH: run scripts/init-stack (it puts the pinned CLI there)")
    return subprocess.run(  # noqa: S603 (the CLI; secrets go on stdin, never in args)
        [exe, *args, "--non-interactive"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=project_dir,
        check=False,
    )


def _failed(what: str, done: subprocess.CompletedProcess[str]) -> InitError:
    last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
    return InitError(f"{what} failed: {last}")


def ensure_stack(project_dir: Path, stack: str) -> bool:
    """Select the stack, creating it when absent. True if it was created."""
    if pulumi(project_dir, "stack", "select", stack).returncode == 0:
        return False
    done = pulumi(project_dir, "stack", "init", stack, "--secrets-provider", "passphrase")
    if done.returncode != 0:
        raise _failed(f"pulumi stack init {stack}", done)
    return True


def held_secrets(project_dir: Path, stack: str) -> set[str]:
    """The keys the stack holds encrypted (values never read: the CLI masks them without --show-secrets)."""
    done = pulumi(project_dir, "config", "--json", "--stack", stack)
    if done.returncode != 0:
        raise _failed(f"pulumi config --stack {stack}", done)
    config = json.loads(done.stdout or "{}")
    return {key for key, entry in config.items() if isinstance(entry, dict) and entry.get("secret")}


def terminal_reader(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\n")


def init_stack(project_dir: Path, stack: str, read: Callable[[str], str] = terminal_reader) -> list[str]:
    """Initialise `stack` and set every secret it lacks; the keys set (in order)."""
    if stack not in LONG_LIVED:
        raise InitError(
            f"'{stack}' is not a long-lived stack ({' or '.join(LONG_LIVED)}): preview stacks pr-<N> have no "
            "stack file and no secrets of their own (tools/previews.py creates them)"
        )
    if not (os.environ.get("PULUMI_CONFIG_PASSPHRASE") or os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")):
        raise InitError(
            "PULUMI_CONFIG_PASSPHRASE is not set: export the stacks' passphrase (from your password manager) "
            "first; every secret is encrypted with it"
        )
    if ensure_stack(project_dir, stack):
        print(f"created stack {stack} (passphrase secrets provider)", file=sys.stderr)
    held = held_secrets(project_dir, stack)
    wanted: list[Key] = [key for key in required_secrets(stack) if key.qualified not in held]
    for key in wanted:
        value = read(f"{key.qualified} ({key.description}): ")
        if not value:
            raise InitError(f"no value given for {key.qualified}: run scripts/init-stack {stack} again")
        done = pulumi(
            project_dir, "config", "set", "--secret", key.qualified, "--stack", stack, stdin=value + "\n"
        )
        if done.returncode != 0:
            raise _failed(f"pulumi config set --secret {key.qualified} --stack {stack}", done)
    return [key.qualified for key in wanted]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/init-stack", description=__doc__.split("\n\n")[0])
    parser.add_argument("stack", choices=LONG_LIVED)
    parser.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="Pulumi project (default: repo)"
    )
    args = parser.parse_args(argv)
    try:
        done = init_stack(args.project_dir, args.stack)
    except InitError as exc:
        print(f"scripts/init-stack: {exc}", file=sys.stderr)
        return 1
    print(f"stack {args.stack}: " + (f"set {', '.join(done)}" if done else "every secret already set"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
