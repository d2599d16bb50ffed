"""Pulumi's in-process mocks for the program: a recording monitor and `run_program`. Asserts nothing."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.sync_await import _sync_await

from components.settings.keys import required_secrets
from tools.stack_files import program_config, read_stack_config

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "cartly-infra"
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # pulumi's marker of a secret value in serialized properties


def stub_secret(stack: str, key: str) -> str:
    """The known fake a `secure:` value of `key` (unqualified) decrypts to in tests: easy to search for."""
    return f"stub-secret-{stack}-{key}-5f2c"


def load_stack_config(stack: str) -> tuple[dict[str, str], list[str]]:
    """(config, secret keys) for `stack`: defaults, then its stack file if any, secure values stubbed."""
    _project, config = read_stack_config(ROOT, stack, [k.qualified for k in required_secrets(stack)])
    return program_config(config, lambda key, _value: stub_secret(stack, key.split(":", 1)[1]))


# ---- what the mocks see -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredResource:
    type: str
    name: str
    inputs: dict[str, Any]  # as serialized: secrets wrapped in {SECRET_SIG: ..., "value": ...}
    options: dict[str, Any]  # protect, parent, dependencies, ignore_changes, additional_secret_outputs


class ProgramRun(list[RegisteredResource]):
    """The registered resources (a list, in registration order) plus the stack outputs and invokes."""

    outputs: dict[str, Any]
    secret_outputs: set[str]
    calls: list[tuple[str, dict[str, Any]]]

    def of_type(self, suffix: str) -> list[RegisteredResource]:
        return [r for r in self if r.type == suffix or r.type.endswith(suffix)]

    def named(self, name: str) -> RegisteredResource:
        found = [r for r in self if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, got {len(found)}"
        return found[0]


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that also keeps each registration's options, which `Mocks.new_resource` never sees."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[RegisteredResource] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = pulumi.runtime.rpc.deserialize_properties(request.object, keep_unknowns=True)
            options = {
                "protect": bool(request.protect),
                "parent": request.parent,
                "dependencies": list(request.dependencies),
                "ignore_changes": list(request.ignoreChanges),
                "additional_secret_outputs": list(request.additionalSecretOutputs),
                "delete_before_replace": bool(request.deleteBeforeReplace),
                "urn": response.urn,
            }
            self.registrations.append(RegisteredResource(request.type, request.name, inputs, options))
        return response

    def ReadResource(self, request: Any) -> Any:
        # StackReferences are read, not registered.
        response = super().ReadResource(request)
        inputs = pulumi.runtime.rpc.deserialize_properties(request.properties, keep_unknowns=True)
        options = {"protect": False, "parent": request.parent, "dependencies": list(request.dependencies)}
        options["urn"] = response.urn
        self.registrations.append(RegisteredResource(request.type, request.name, inputs, options))
        return response

    def Invoke(self, request: Any) -> Any:
        self.calls.append((request.tok, dict(pulumi.runtime.rpc.deserialize_properties(request.args))))
        return super().Invoke(request)


def unwrap(value: Any) -> Any:
    """A serialized property without its secret wrappers (recursively)."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return unwrap(value.get("value"))
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270"


# ---- running the program --------------------------------------------------------------------------------


@dataclass
class _Captured:
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)


def run_program(
    stack: str,
    config: Mapping[str, str] | None = None,
    mocks: pulumi_mocks.Mocks | None = None,
    *,
    secrets: Mapping[str, str] | None = None,
    program: Callable[[], None] | None = None,
    preview: bool = False,
) -> ProgramRun:
    """Run `__main__.main()` (or `program`) for `stack` under mocks; returns what it registered.

    `config` and `secrets` override stack-file values (keys qualified or not). Exceptions the program
    raises (a ConfigError, a failed resource) propagate.
    """
    values, secret_keys = load_stack_config(stack)
    for overrides, secret in ((config or {}, False), (secrets or {}, True)):
        for key, value in overrides.items():
            qualified = key if ":" in key else f"{PROJECT}:{key}"
            values[qualified] = value
            if secret and qualified not in secret_keys:
                secret_keys.append(qualified)
            elif not secret and qualified in secret_keys:
                secret_keys.remove(qualified)
    if mocks is None:
        from tests.support.mock_answers import CartlyMocks  # (it imports this module)

        mocks = CartlyMocks(stack)
    monitor = RecordingMonitor(mocks)
    _reset_runtime(stack, values, secret_keys, monitor, preview)
    if program is None:
        program = load_main()
    captured = _Captured()
    _sync_await(pulumi.runtime.stack.run_pulumi_func(lambda: _run_and_capture(program, captured)))
    run = ProgramRun(monitor.registrations)
    run.outputs, run.secret_outputs, run.calls = captured.outputs, captured.secret_outputs, monitor.calls
    return run


def load_main() -> Callable[[], None]:
    """`main` of the project's `__main__.py` (imported under another name: pytest owns `__main__`)."""
    spec = importlib.util.spec_from_file_location("cartly_infra_main", ROOT / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main: Callable[[], None] = module.main
    return main


def _reset_runtime(
    stack: str, values: dict[str, str], secret_keys: list[str], monitor: RecordingMonitor, preview: bool
) -> None:
    # A fresh loop and no root Stack: otherwise exports and URNs leak from the previous run (PULUMI-NOTES).
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(values, secret_keys)
    pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack=stack, preview=preview, monitor=monitor)
    # As pulumi.runtime.test does: tasks and RPCs left by a failed run belong to a dead loop; waiting on
    # them would hang the next run.
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()


async def _collect(captured: _Captured) -> None:
    root = pulumi_settings.get_root_resource()
    for name, value in dict(getattr(root, "outputs", {}) or {}).items():
        output = pulumi.Output.from_input(value)
        captured.outputs[name] = await output.future(with_unknowns=True)
        if await output.is_secret():
            captured.secret_outputs.add(name)


def _run_and_capture(program: Callable[[], None], captured: _Captured) -> None:
    program()
    _sync_await(pulumi.runtime.stack.wait_for_rpcs(await_all_outstanding_tasks=True))
    _sync_await(_collect(captured))
