"""Runs a Pulumi Python program for one stack under Pulumi mocks and prints its desired state as JSON.

Owns one offline run, in a process of its own (Pulumi's runtime is process-global): the stack's config as
tools/plan.py hands it over (assembled by tools/stack_files.py the way the CLI would, every `secure:`
value replaced by the mask), mocks that echo inputs and answer everything generically (declared string
outputs of dynamic resources, invokes, a StackReference fed from a file), and the result: every registered
resource with its inputs, secrets masked, and the stack outputs. Stdout carries exactly one JSON document.

Run as a script by `tools/plan.py` (`python tools/plan_runner.py --project-dir D --stack S --config-file
F`); it imports nothing of this repository except the program it runs, so it can run an older checkout's
program. It needs no credential and opens no connection; it deliberately knows nothing of cartly-infra's
resources.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import runpy
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks

if __package__ in (None, ""):  # run as a script: the repository root after everything else, for tools/
    sys.path.append(str(Path(__file__).resolve().parents[1]))
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.sync_await import _sync_await

from tools.plan_masks import (
    INVOKE_UNKNOWNS,
    MASK,
    RESOURCE_UNKNOWNS,
    deep_mask,
    invent,
    masked,
    masked_digests,
)

DROPPED_INPUTS = ("__provider",)  # the pickled dynamic provider: code, not desired state


def load_config(config_file: Path) -> tuple[str, dict[str, str], list[str]]:
    """(project name, config as the CLI passes it, secret keys), as tools/plan.py assembled them from the
    project's files (tools/stack_files.py), every `secure:` value already the mask."""
    given = json.loads(config_file.read_text())
    return str(given["project"]), dict(given["config"]), list(given["secretKeys"])


def _declared_outputs(typ: str, name: str) -> dict[str, Any]:
    """Placeholders for the outputs a dynamic resource class declares (`x: pulumi.Output[str]`)."""
    if not typ.startswith("pulumi-python:"):
        return {}
    stack = list(pulumi.dynamic.Resource.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if f"pulumi-python:{getattr(cls, '_resource_type_name', '')}" == typ:
            hints = {
                k: str(v)
                for c in reversed(cls.__mro__)
                for k, v in vars(c).get("__annotations__", {}).items()
            }
            return {k: _placeholder(f"{name}.{k}", hint) for k, hint in hints.items() if "Output[" in hint}
    return {}


def _placeholder(name: str, hint: str) -> Any:
    inner = hint.split("Output[", 1)[1]
    for prefix, value in (
        ("str", None),
        ("bool", False),
        ("int", 0),
        ("float", 0.0),
        ("list", []),
        ("dict", {}),
    ):
        if inner.startswith(prefix):
            return value if prefix != "str" else f"({name})"
    return None


class PlanMocks(pulumi_mocks.Mocks):
    """Echo inputs; fill declared outputs; answer a StackReference from `reference`; invokes generically."""

    def __init__(self, reference: dict[str, Any]) -> None:
        self.reference = reference

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            outputs = {"name": args.name, **self.reference}
            return args.name, outputs
        outputs = {**_declared_outputs(args.typ, args.name), **args.inputs}
        if args.typ in RESOURCE_UNKNOWNS:
            key, label = RESOURCE_UNKNOWNS[args.typ]
            repository = str(args.inputs.get("imageName", args.name)).rsplit(":", 1)[0]
            digest = invent("digest", f"{args.typ}:{args.name}", label(dict(args.inputs)))
            outputs[key] = f"{repository}@{digest}"
        return f"{args.name}-id", outputs

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        seed = f"{args.token}:{json.dumps(args.args, sort_keys=True, default=str)}"
        # Numeric ids (GitHub users and teams are parsed with int()), a registry digest, and the args back.
        fake = {
            "id": invent("id", seed, "id looked up at deploy"),
            "sha256Digest": invent("digest", seed, "digest"),
        }
        if args.token in INVOKE_UNKNOWNS:
            key, label = INVOKE_UNKNOWNS[args.token]
            kind = "digest" if key == "sha256Digest" else "id"
            fake[key] = invent(kind, seed, label(dict(args.args)))
        return {**args.args, **fake}, []


@dataclass(frozen=True)
class Registration:
    """One resource the program registered (or read): inputs as serialized, options the mocks never see."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]  # secrets wrapped in {SECRET_SIG: SECRET_VALUE, "value": ...}; unknowns kept
    options: dict[str, Any]  # protect, parent, dependencies, ignore_changes, additional_secret_outputs…


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that keeps each registration with its URN and options, and each invoke."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            options = {
                "protect": bool(request.protect),
                "parent": request.parent,
                "dependencies": list(request.dependencies),
                "ignore_changes": list(request.ignoreChanges),
                "additional_secret_outputs": list(request.additionalSecretOutputs),
                "delete_before_replace": bool(request.deleteBeforeReplace),
                "deleted_with": request.deletedWith,
                "aliases": [json_format.MessageToDict(alias.spec) for alias in request.aliases],
            }
            self._record(request, response, request.object, options)
        return response

    def ReadResource(self, request: Any) -> Any:  # StackReferences are read, not registered
        response = super().ReadResource(request)
        options = {"protect": False, "parent": request.parent, "dependencies": list(request.dependencies)}
        self._record(request, response, request.properties, options)
        return response

    def Invoke(self, request: Any) -> Any:
        self.calls.append((request.tok, dict(rpc.deserialize_properties(request.args))))
        return super().Invoke(request)

    def _record(self, request: Any, response: Any, props: Any, options: dict[str, Any]) -> None:
        inputs = rpc.deserialize_properties(props, keep_unknowns=True)
        options["urn"] = response.urn
        self.registrations.append(Registration(response.urn, request.type, request.name, inputs, options))


def reset_runtime(
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    monitor: RecordingMonitor,
    *,
    preview: bool = False,
) -> None:
    """Make Pulumi's process-global runtime ready for one fresh run of a program under `monitor`."""
    # A fresh loop and no root Stack: otherwise exports and URNs leak from the previous run (PULUMI-NOTES).
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(config, secret_keys)
    pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    # As pulumi.runtime.test does: tasks and RPCs left by a failed run belong to a dead loop; waiting on
    # them would hang the next run.
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()


def run_and_collect(program: Callable[[], object]) -> dict[str, tuple[Any, bool]]:
    """Run `program` to completion under the reset runtime; its stack exports as {name: (value, secret)}."""
    exports: dict[str, tuple[Any, bool]] = {}

    def body() -> None:
        program()
        _sync_await(pulumi.runtime.stack.wait_for_rpcs(await_all_outstanding_tasks=True))
        _sync_await(_collect(exports))

    _sync_await(pulumi.runtime.stack.run_pulumi_func(body))
    return exports


def run(project_dir: Path, stack: str, config_file: Path, reference: dict[str, Any]) -> dict[str, Any]:
    """The stack's desired state: {stack, resources, outputs, reference}; raises what the program raises."""
    project, config, secret_keys = load_config(config_file)
    monitor = RecordingMonitor(PlanMocks(reference))
    reset_runtime(project, stack, config, secret_keys, monitor)
    exports = run_and_collect(lambda: runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__"))
    prefix = f"urn:pulumi:{stack}::{project}::"
    resources = sorted(
        (_resource(r, prefix) for r in monitor.registrations),
        key=lambda r: (r["type"], r["name"], r["key"]),
    )
    secret_names = sorted(k for k, (_v, secret) in exports.items() if secret)
    return {
        "stack": stack,
        "resources": resources,
        "outputs": {k: MASK if secret else masked(v) for k, (v, secret) in sorted(exports.items())},
        # What a StackReference to this stack would read: secrets keep their shape, never their values.
        "reference": {
            "outputs": {k: deep_mask(v) if secret else masked(v) for k, (v, secret) in exports.items()},
            "secretOutputNames": secret_names,
        },
    }


def _resource(seen: Registration, prefix: str) -> dict[str, Any]:
    """One registration as the plan shows it, with where it may have stood before (its parent and aliases:
    tools/plan_diff.py matches on them), the secret stand-ins its inputs hold and a hash of each masked
    input (if any), so a diff can tell what changed behind a mask."""
    used: dict[str, str] = {}
    inputs = masked(seen.inputs, used, DROPPED_INPUTS)
    found = {
        "key": seen.urn.removeprefix(prefix),
        "type": seen.type,
        "name": seen.name,
        "inputs": inputs,
        "parent": str(seen.options.get("parent") or "").removeprefix(prefix),
        "aliases": [
            {**spec, "parentUrn": spec["parentUrn"].removeprefix(prefix)} if "parentUrn" in spec else spec
            for spec in seen.options.get("aliases", [])
        ],
    }
    if used:
        found["secrets"] = dict(sorted(used.items()))
    if digests := masked_digests({k: v for k, v in seen.inputs.items() if k not in DROPPED_INPUTS}):
        found["masked"] = digests
    return found


async def _collect(exports: dict[str, tuple[Any, bool]]) -> None:
    root = pulumi_settings.get_root_resource()
    for name, value in dict(getattr(root, "outputs", {}) or {}).items():
        output = pulumi.Output.from_input(value)
        exports[name] = (await output.future(with_unknowns=True), await output.is_secret())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="One offline run of a Pulumi program (used by tools/plan.py)."
    )
    parser.add_argument("--project-dir", type=Path, required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--config-file", type=Path, required=True, help="JSON: project, config, secretKeys")
    parser.add_argument("--reference-file", type=Path, help="JSON the program's StackReference reads")
    args = parser.parse_args(argv)
    project_dir = args.project_dir.resolve()
    reference = json.loads(args.reference_file.read_text()) if args.reference_file else {}
    sys.path.insert(0, str(project_dir))  # the program's own modules (components/…) come from its tree
    try:
        result = run(
            project_dir, args.stack, args.config_file, reference or {"outputs": {}, "secretOutputNames": []}
        )
    except ValueError as exc:  # the program refuses its input (a ConfigError…): its message says it all
        result = {"stack": args.stack, "error": str(exc)}
    except Exception as exc:  # any other failure of the program, reported as data
        result = {"stack": args.stack, "error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
