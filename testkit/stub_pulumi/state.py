"""The stub CLI's state directory and argv parsing: stacks, selection, scripted failures.

Owns `state.json` (stacks with config, outputs, history, resource count; the selected stack), reading
`script.json` (failures, locks, outputs to produce) and splitting an argv into words, flags and switches.
It does not decide what a command does (`commands.py`) or log calls (`cli.py`).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
SECRET_SENTINEL = "[secret]"
RECORDED_ENV_PREFIXES = ("PULUMI_", "RAILWAY_", "GITHUB_", "AWS_")
VALUE_FLAGS = {
    "--stack",
    "--exec-kind",
    "--page-size",
    "--page",
    "--secrets-provider",
    "--color",
    "--message",
    "--event-log",
    "--client",
    "--parallel",
    "--target",
    "--replace",
    "--exclude",
    "--config-file",
    "--plan",
    "--copy-config-from",
}
DEFAULT_OUTPUTS = {"url": "https://{stack}.cartly.io", "imageTag": "{imageTag}"}
DEFAULT_RESOURCES = 7


class Failure(Exception):
    """Ends the command with this exit code and stderr text, as the CLI does."""

    def __init__(self, code: int, stderr: str, stdout: str = "") -> None:
        super().__init__(stderr)
        self.code, self.stderr, self.stdout = code, stderr, stdout


class Call:
    """One invocation: positional words, flags with their values, boolean switches."""

    def __init__(self, argv: list[str]) -> None:
        self.words: list[str] = []
        self.flags: dict[str, str] = {}
        self.switches: set[str] = set()
        self.pairs: list[tuple[str, str]] = []  # set-all's --plaintext/--secret k=v, in order
        args = list(argv)
        while args:
            arg = args.pop(0)
            if arg == "--":
                self.words.extend(args)
                break
            if (
                arg in ("--plaintext", "--secret")
                and args
                and "=" in args[0]
                and self.words[:2]
                == [
                    "config",
                    "set-all",
                ]
            ):
                self.pairs.append((arg, args.pop(0)))
            elif arg in VALUE_FLAGS and args:
                self.flags[arg] = args.pop(0)
            elif arg.startswith("--") and "=" in arg:
                name, value = arg.split("=", 1)
                self.flags[name] = value
            elif arg.startswith("-"):
                self.switches.add(arg)
            else:
                self.words.append(arg)


class State:
    """The JSON state directory: stacks, the selected stack, scripted behaviour."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "state.json"
        data = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.stacks: dict[str, dict[str, Any]] = data.get("stacks", {})
        self.current: str | None = data.get("current")
        script_path = root / "script.json"
        self.script: dict[str, Any] = json.loads(script_path.read_text()) if script_path.exists() else {}

    def save(self) -> None:
        self.path.write_text(json.dumps({"stacks": self.stacks, "current": self.current}, indent=2))

    def stack(self, call: Call) -> tuple[str, dict[str, Any]]:
        name = call.flags.get("--stack") or self.current
        if not name:
            raise Failure(255, "error: no stack selected; please use `pulumi stack select`")
        name = name.split("/")[-1]
        if name not in self.stacks:
            raise Failure(255, f"error: no stack named '{name}' found")
        return name, self.stacks[name]


def now() -> str:
    return datetime.now(UTC).strftime(DATETIME_FORMAT)


def require_backend() -> None:
    if not (os.environ.get("PULUMI_BACKEND_URL") or os.environ.get("PULUMI_ACCESS_TOKEN")):
        raise Failure(
            255, "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"
        )


def require_passphrase() -> None:
    if not (os.environ.get("PULUMI_CONFIG_PASSPHRASE") or os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")):
        raise Failure(
            255,
            "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or "
            "PULUMI_CONFIG_PASSPHRASE_FILE environment variables",
        )


def scripted_failure(state: State, command: str, stack: str | None) -> None:
    locking = ("up", "destroy", "refresh", "preview", "stack rm")
    if stack is not None and command in locking and stack in state.script.get("locked", []):
        raise Failure(
            255,
            "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) "
            f"to end or delete the lock file with `pulumi cancel`.\n  {stack}: created by ci@runner",
        )
    failure = state.script.get("fail", {}).get(command)
    if failure:
        raise Failure(int(failure.get("code", 1)), failure.get("stderr", ""), failure.get("stdout", ""))


def history_entry(kind: str, stack: dict[str, Any], changes: dict[str, int]) -> dict[str, Any]:
    stamp = now()
    return {
        "kind": kind,
        "startTime": stamp,
        "endTime": stamp,
        "message": "",
        "environment": {"exec.kind": "auto.local"},
        # Like `stack history --json` without --show-secrets: secret values are left out.
        "config": {k: v if not v["secret"] else {"secret": True} for k, v in stack["config"].items()},
        "result": "succeeded",
        "version": len(stack["history"]) + 1,
        "resourceChanges": changes,
    }
