"""Pulumi's in-process mocks for the program: a recording monitor and `run_program`. Asserts nothing."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks

from tools.plan_runner import RecordingMonitor, Registration, reset_runtime, run_and_collect
from tools.stack_files import program_config, read_stack_config

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "cartly-infra"
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # pulumi's marker of a secret value in serialized properties


def stub_secret(stack: str, key: str) -> str:
    """The known fake a `secure:` value of `key` (unqualified) decrypts to in tests: easy to search for."""
    return f"stub-secret-{stack}-{key}-5f2c"


def load_stack_config(stack: str) -> tuple[dict[str, str], list[str]]:
    """(config, secret keys) for `stack`: defaults, then its stack file if any, secure values stubbed."""
    _project, config = read_stack_config(ROOT, stack)
    return program_config(config, lambda key, _value: stub_secret(stack, key.split(":", 1)[1]))


# ---- what the mocks see -----------------------------------------------------------------------------------


RegisteredResource = Registration  # what the mocks saw: type, name, inputs as serialized, options


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
    reset_runtime(PROJECT, stack, values, secret_keys, monitor, preview=preview)
    exports = run_and_collect(program or load_main())
    run = ProgramRun(monitor.registrations)
    run.outputs = {name: value for name, (value, _secret) in exports.items()}
    run.secret_outputs = {name for name, (_value, secret) in exports.items() if secret}
    run.calls = monitor.calls
    return run


def load_main() -> Callable[[], None]:
    """`main` of the project's `__main__.py` (imported under another name: pytest owns `__main__`)."""
    spec = importlib.util.spec_from_file_location("cartly_infra_main", ROOT / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main: Callable[[], None] = module.main
    return main
