"""An engine-like Pulumi mock: runs the program and drives each dynamic provider as `pulumi up` does.

It keeps one stack's state across runs; everything that is not a dynamic resource is answered by
`tests.support.mock_answers.CartlyMocks`.
"""

from __future__ import annotations

import base64
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dill
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.runtime import mocks as pulumi_mocks

from components.stack_outputs import SECRET_OUTPUTS
from tests.support.mock_answers import CartlyMocks
from tests.support.pulumi_mocks import PROJECT, ProgramRun, run_program, unwrap

DYNAMIC = "pulumi-python:dynamic/"
PROVIDER_KEY = "__provider"


class EngineError(Exception):
    """A step failed the way `pulumi up` would report it: which resource, which step, why."""


@dataclass
class Stored:
    type: str
    name: str
    id: str
    inputs: dict[str, Any]  # checked inputs, with __provider
    outputs: dict[str, Any]  # with __provider
    order: int
    protect: bool = False


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


class Engine:
    """One stack's state across `up()` runs; `destroy()` deletes all of it."""

    def __init__(self, stack: str, *, railway_token: str, staging: Engine | None = None) -> None:
        self.stack = stack
        self.railway_token = railway_token
        self.staging = staging
        self.state: dict[tuple[str, str], Stored] = {}
        self.outputs: dict[str, Any] = {}
        self.lock = threading.Lock()
        self._order = itertools.count()

    # ---- the CLI's verbs --------------------------------------------------------------------------------
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
        operations = mocks.operations + self._delete([self.state[key] for key in vanished])
        self.outputs = dict(run.outputs)
        return UpResult(True, [], operations, run.outputs, run.secret_outputs, run)

    def destroy(self) -> list[tuple[str, str]]:
        """Like the CLI: every unprotected resource is deleted first, then the protected ones fail the run."""
        done = self._delete([s for s in self.state.values() if not s.protect])
        protected = sorted(s.name for s in self.state.values() if s.protect)
        if protected:
            raise EngineError(
                f"Unable to destroy stack '{self.stack}': resources {', '.join(protected)} are protected "
                "(pulumi state unprotect <urn> first)"
            )
        self.outputs = {}
        return done

    # ---- one resource, as the engine steps it -----------------------------------------------------------
    def configure(self, provider_b64: str) -> ResourceProvider:
        # The pickle is our own program's provider, exactly what the dynamic provider server would load.
        provider: ResourceProvider = dill.loads(base64.b64decode(provider_b64))  # noqa: S301
        config = Config(raw_config={f"{PROJECT}:railwayToken": self.railway_token}, project_name=PROJECT)
        provider.configure(ConfigureRequest(config))
        return provider

    def step(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """(operation, id, outputs) after bringing (typ, name) to `inputs`."""
        provider = self.configure(inputs[PROVIDER_KEY])
        old = self.state.get((typ, name))
        checked = provider.check(dict(old.inputs) if old else {}, inputs)
        if checked.failures:
            reasons = "; ".join(f"{f.property}: {f.reason}" for f in checked.failures)
            raise EngineError(f"check failed: {reasons}")
        news = {**checked.inputs, PROVIDER_KEY: inputs[PROVIDER_KEY]}
        if old is None:
            return "create", *self._create(provider, typ, name, news)
        diff = provider.diff(old.id, dict(old.outputs), news)
        changed = diff.changes if diff.changes is not None else _strip(old.inputs) != _strip(news)
        if not changed:
            old.inputs = news
            return "same", old.id, old.outputs
        if diff.replaces:
            return "replace", *self._replace(provider, old, news, bool(diff.delete_before_replace))
        result = provider.update(old.id, dict(old.outputs), news)
        outputs = {**(result.outs or {}), PROVIDER_KEY: news[PROVIDER_KEY]}
        old.inputs, old.outputs = news, outputs
        return "update", old.id, outputs

    def _create(
        self, provider: ResourceProvider, typ: str, name: str, news: dict[str, Any]
    ) -> tuple[str, dict]:
        result = provider.create(news)
        outputs = {**(result.outs or {}), PROVIDER_KEY: news[PROVIDER_KEY]}
        with self.lock:
            self.state[(typ, name)] = Stored(typ, name, str(result.id), news, outputs, next(self._order))
        return str(result.id), outputs

    def _replace(self, provider: ResourceProvider, old: Stored, news: dict[str, Any], first: bool) -> tuple:
        if first:
            provider.delete(old.id, dict(old.outputs))
            return self._create(provider, old.type, old.name, news)
        created = self._create(provider, old.type, old.name, news)
        self.configure(old.outputs[PROVIDER_KEY]).delete(old.id, dict(old.outputs))
        return created

    def _delete(self, doomed: list[Stored]) -> list[tuple[str, str]]:
        done = []
        for stored in sorted(doomed, key=lambda s: s.order, reverse=True):
            self.configure(stored.outputs[PROVIDER_KEY]).delete(stored.id, dict(stored.outputs))
            with self.lock:
                del self.state[(stored.type, stored.name)]
            done.append(("delete", stored.name))
        return done


def _strip(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


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
