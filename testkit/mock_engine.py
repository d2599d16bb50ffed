"""An engine-like Pulumi mock: runs the program and drives each dynamic provider as `pulumi up` does.

It keeps one stack's state across runs; everything that is not a dynamic resource is answered by
`tests.support.mock_answers.CartlyMocks`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks

from components.stack_outputs import SECRET_OUTPUTS
from testkit.resource_engine import EngineError, ResourceEngine
from tests.support.mock_answers import CartlyMocks
from tests.support.pulumi_mocks import PROJECT, ProgramRun, run_program, unwrap

DYNAMIC = "pulumi-python:dynamic/"


@dataclass
class UpResult:
    ok: bool
    errors: list[str]
    operations: list[tuple[str, str]]  # (create|update|replace|same|delete, resource name)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)
    run: ProgramRun | None = None

    def ops(self, kind: str) -> list[str]:
        return sorted(name for op, name in self.operations if op == kind)


class Engine(ResourceEngine):
    """One stack's state across `up()` runs of the program; `destroy()` deletes all of it."""

    def __init__(self, stack: str, *, railway_token: str, staging: Engine | None = None) -> None:
        super().__init__({f"{PROJECT}:railwayToken": railway_token}, PROJECT)
        self.stack = stack
        self.railway_token = railway_token
        self.staging = staging
        self.outputs: dict[str, Any] = {}

    def up(
        self, *, config: Mapping[str, str] | None = None, secrets: Mapping[str, str] | None = None
    ) -> UpResult:
        staging = self.staging.outputs if self.staging is not None else None
        mocks = EngineMocks(self, staging)
        try:
            run = run_program(self.stack, config=config, secrets=secrets, mocks=mocks)
        except Exception as exc:  # the program failed: report like the CLI, keep what was done
            errors = mocks.errors or [str(exc)]
            return UpResult(False, errors, mocks.operations)
        for resource in run:
            stored = self.state.get((resource.type, resource.name))
            if stored is not None:
                stored.protect = bool(resource.options.get("protect"))
        vanished = [key for key in self.state if key not in mocks.seen]
        operations = mocks.operations + self.delete_all([self.state[key] for key in vanished])
        self.outputs = dict(run.outputs)
        return UpResult(True, [], operations, run.outputs, run.secret_outputs, run)

    def destroy(self) -> list[tuple[str, str]]:
        protected = sorted(s.name for s in self.state.values() if s.protect)
        if protected:
            raise EngineError(
                f"Unable to destroy stack '{self.stack}': resources {', '.join(protected)} are protected "
                "(pulumi state unprotect <urn> first)"
            )
        done = self.delete_all(list(self.state.values()))
        self.outputs = {}
        return done


class EngineMocks(CartlyMocks):
    """CartlyMocks whose dynamic resources go through `Engine.step`; records operations and errors."""

    def __init__(self, engine: Engine, staging: Mapping[str, Any] | None) -> None:
        super().__init__(engine.stack, staging=staging)
        self.engine = engine
        self.seen: set[tuple[str, str]] = set()
        self.operations: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference" and self.staging is not None:
            secret = [name for name in self.staging if name in SECRET_OUTPUTS]
            return f"{args.name}-id", {
                "name": args.name,
                "outputs": self.staging,
                "secretOutputNames": secret,
            }
        if not args.typ.startswith(DYNAMIC):
            return super().new_resource(args)
        with self._lock:
            self.seen.add((args.typ, args.name))
        try:
            operation, id_, outputs = self.engine.step(args.typ, args.name, unwrap(dict(args.inputs)))
        except Exception as exc:
            with self._lock:
                self.errors.append(f"{args.typ.rsplit(':', 1)[-1]} '{args.name}': {exc}")
            raise
        with self._lock:
            self.operations.append((operation, args.name))
        return id_, outputs
