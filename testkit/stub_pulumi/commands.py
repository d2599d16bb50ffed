"""The stub CLI's commands: `stack …`, `config …` and the updates (`up`, `preview`, `refresh`, `destroy`).

Owns what each command does to the state and prints, shaped like the real CLI's output where the
Automation API parses it (JSON for `stack ls`, `stack output`, `stack history`, `config get`). It does not
run any program or touch any resource: an update just records history and writes the scripted outputs.
"""

from __future__ import annotations

import json
from typing import Any

from testkit.stub_pulumi.state import (
    DEFAULT_OUTPUTS,
    DEFAULT_RESOURCES,
    SECRET_SENTINEL,
    Call,
    Failure,
    State,
    history_entry,
    require_backend,
    require_passphrase,
    scripted_failure,
)


def cmd_stack(state: State, call: Call) -> str:
    sub = call.words[1] if len(call.words) > 1 else ""
    if sub == "select":
        name = call.flags.get("--stack") or (call.words[2] if len(call.words) > 2 else "")
        name = name.split("/")[-1]
        if name not in state.stacks:
            raise Failure(255, f"error: no stack named '{name}' found")
        state.current = name
        return ""
    if sub == "init":
        name = (call.words[2] if len(call.words) > 2 else call.flags.get("--stack", "")).split("/")[-1]
        if name in state.stacks:
            raise Failure(255, f"error: stack '{name}' already exists")
        require_passphrase()
        state.stacks[name] = {
            "config": {},
            "outputs": {},
            "secret_outputs": [],
            "history": [],
            "resources": 0,
        }
        if "--no-select" not in call.switches:
            state.current = name
        return f"Created stack '{name}'"
    if sub == "ls":
        return json.dumps([stack_summary(state, name) for name in sorted(state.stacks)])
    if sub == "rm":
        return stack_rm(state, call)
    if sub == "output":
        _name, stack = state.stack(call)
        show = "--show-secrets" in call.switches
        secret = set(stack["secret_outputs"])
        return json.dumps(
            {k: v if show or k not in secret else SECRET_SENTINEL for k, v in stack["outputs"].items()}
        )
    if sub == "history":
        _name, stack = state.stack(call)
        entries = list(reversed(stack["history"]))
        if "--page-size" in call.flags:
            size, page = int(call.flags["--page-size"]), int(call.flags.get("--page", "1"))
            entries = entries[(page - 1) * size : page * size]
        return json.dumps(entries)
    raise Failure(1, f'error: unknown command "stack {sub}" for the stub')


def stack_summary(state: State, name: str) -> dict[str, Any]:
    stack = state.stacks[name]
    summary: dict[str, Any] = {
        "name": name,
        "current": name == state.current,
        "updateInProgress": name in state.script.get("locked", []),
        "resourceCount": stack["resources"],
    }
    if stack["history"]:
        summary["lastUpdate"] = stack["history"][-1]["endTime"]
    return summary


def stack_rm(state: State, call: Call) -> str:
    if "--yes" not in call.switches:
        raise Failure(255, "error: --yes must be passed in to proceed when running in non-interactive mode")
    name = (call.words[2] if len(call.words) > 2 else call.flags.get("--stack", "")).split("/")[-1]
    if name not in state.stacks:
        raise Failure(255, f"error: no stack named '{name}' found")
    scripted_failure(state, "stack rm", name)
    if state.stacks[name]["resources"] and "--force" not in call.switches:
        raise Failure(
            255,
            f"error: '{name}' still has resources; removal rejected. Possible actions:\n"
            "- Make sure that 'organization/cartly-infra/"
            + name
            + "' is the stack that you want to destroy\n"
            "- Run `pulumi destroy` to delete the resources, then run `pulumi stack rm`",
        )
    del state.stacks[name]
    if state.current == name:
        state.current = None
    return f"Stack '{name}' has been removed!"


def cmd_config(state: State, call: Call) -> str:
    sub = call.words[1] if len(call.words) > 1 else ""
    name, stack = state.stack(call)
    config: dict[str, dict[str, Any]] = stack["config"]
    if sub == "set-all":
        for flag, pair in call.pairs:
            key, value = pair.split("=", 1)
            config[qualify(key)] = {"value": value, "secret": flag == "--secret"}
    elif sub == "set":
        key, value = call.words[2], call.words[3]
        if "--secret" in call.switches:
            require_passphrase()
        config[qualify(key)] = {"value": value, "secret": "--secret" in call.switches}
    elif sub == "get":
        key = qualify(call.words[2])
        if key not in config:
            raise Failure(255, f"error: configuration key '{key}' not found for stack '{name}'")
        return json.dumps(config[key])
    elif sub in ("rm", "rm-all"):
        for key in call.words[2:]:
            config.pop(qualify(key), None)
    elif sub == "refresh":
        pass
    elif sub == "":
        return json.dumps(config)
    else:
        raise Failure(1, f'error: unknown command "config {sub}" for the stub')
    return ""


def qualify(key: str) -> str:
    return key if ":" in key else f"cartly-infra:{key}"


def cmd_update(state: State, call: Call, command: str) -> str:
    require_backend()
    name, stack = state.stack(call)
    if command in ("up", "destroy") and "--yes" not in call.switches:
        raise Failure(
            255,
            "error: --yes must be passed in to proceed when running in non-interactive mode",
        )
    require_passphrase()
    scripted_failure(state, command, name)
    if command == "preview":
        count = stack["resources"] or DEFAULT_RESOURCES
        return f"Previewing update ({name}):\nResources:\n    {count} to create"
    if command == "up":
        count = int(state.script.get("resources", DEFAULT_RESOURCES))
        changes = {"same": count} if stack["resources"] else {"create": count}
        stack["resources"] = count
        tag = stack["config"].get("cartly-infra:imageTag", {}).get("value", "")
        outputs = state.script.get("outputs", DEFAULT_OUTPUTS)
        stack["outputs"] = {k: str(v).format(stack=name, imageTag=tag) for k, v in outputs.items()}
        stack["secret_outputs"] = list(state.script.get("secret_outputs", []))
        stack["history"].append(history_entry("update", stack, changes))
        verb = "created" if "create" in changes else "unchanged"
        return f"Updating ({name}):\nResources:\n    {count} {verb}\n\nDuration: 1s"
    if command == "destroy":
        count = stack["resources"]
        stack["resources"], stack["outputs"], stack["secret_outputs"] = 0, {}, []
        stack["history"].append(history_entry("destroy", stack, {"delete": count} if count else {}))
        return f"Destroying ({name}):\nResources:\n    - {count} deleted\n\nDuration: 1s"
    stack["history"].append(history_entry("refresh", stack, {"same": stack["resources"]}))
    return f"Refreshing ({name}):\nResources:\n    {stack['resources']} unchanged"
