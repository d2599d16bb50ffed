"""A stand-in for the `pulumi` CLI: answers what `pulumi.automation` runs, records every call."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from testkit.stub_pulumi.commands import cmd_config, cmd_stack, cmd_update
from testkit.stub_pulumi.state import RECORDED_ENV_PREFIXES, Call, Failure, State, require_backend


def dispatch(state: State, call: Call) -> str:
    command = call.words[0] if call.words else ""
    if command == "version":
        return "v3.272.0"
    if command == "whoami":
        require_backend()
        url = os.environ.get("PULUMI_BACKEND_URL", "https://api.pulumi.com")
        return (
            json.dumps({"user": "stub", "url": url, "organizations": []})
            if "--json" in call.switches
            else "stub"
        )
    if command in ("about", "install", "plugin"):
        return "[]" if "--json" in call.switches else f"stub pulumi: {command} ok"
    if command == "cancel":
        name, _stack = state.stack(call)
        state.script["locked"] = [s for s in state.script.get("locked", []) if s != name]
        (state.root / "script.json").write_text(json.dumps(state.script))
        return "The currently running update has been canceled!"
    if command == "stack":
        return cmd_stack(state, call)
    if command == "config":
        return cmd_config(state, call)
    if command in ("up", "preview", "destroy", "refresh"):
        return cmd_update(state, call, command)
    raise Failure(1, f'error: unknown command "{command}" for the stub')


def record(root: Path, argv: list[str]) -> None:
    env = sorted(k for k in os.environ if k.startswith(RECORDED_ENV_PREFIXES))
    with (root / "calls.jsonl").open("a") as log:
        log.write(json.dumps({"argv": argv, "env": env}) + "\n")


def main(argv: list[str]) -> int:
    state_dir = os.environ.get("STUB_PULUMI_STATE")
    if not state_dir:
        print("stub pulumi: set STUB_PULUMI_STATE to a directory for its state", file=sys.stderr)
        return 2
    root = Path(state_dir)
    root.mkdir(parents=True, exist_ok=True)
    record(root, argv)
    state = State(root)
    try:
        out = dispatch(state, Call([a for a in argv if a != "--non-interactive"]))
    except Failure as failure:
        if failure.stdout:
            print(failure.stdout)
        print(failure.stderr, file=sys.stderr)
        return failure.code
    state.save()
    if out:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
