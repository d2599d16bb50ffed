"""The engine's per-resource step, as `pulumi up` takes it, for providers driven without the real CLI.

Each resource's `__provider` is unpickled (base64 + dill, as `python -m pulumi.dynamic` does) and
configured with the stack config; then check → diff → create, update, replace (delete-before-replace when
asked) or nothing. The end-to-end mock (`testkit.mock_engine`) and the benchmarks share it.
"""

from __future__ import annotations

import base64
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dill
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider

from pulumi_railway.api.retry import Waits
from testkit.fake_time import FakeTime

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


def pickled(provider: ResourceProvider) -> str:
    """`provider` as the SDK serializes it into the `__provider` input."""
    return base64.b64encode(dill.dumps(provider, recurse=True)).decode()


class ResourceEngine:
    """One stack's resource state; `step` brings one resource to its inputs, `delete_all` removes some."""

    def __init__(self, config: Mapping[str, str], project: str, waits: Waits | None = None) -> None:
        self.config = dict(config)
        self.waits: Waits = waits if waits is not None else FakeTime()  # instant unless told otherwise
        self.project = project
        self.state: dict[tuple[str, str], Stored] = {}
        self.calls: list[tuple[str, str]] = []  # (resource name, provider method), in call order
        self.lock = threading.Lock()
        self._order = itertools.count()

    def configure(self, provider_b64: str) -> ResourceProvider:
        # The pickle is our own program's provider, exactly what the dynamic provider server would load.
        provider: ResourceProvider = dill.loads(base64.b64decode(provider_b64))  # noqa: S301
        provider.configure(ConfigureRequest(Config(raw_config=self.config, project_name=self.project)))
        provider.waits = self.waits  # type: ignore[attr-defined]  # how the provider waits: passed in
        return provider

    def step(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """(operation, id, outputs) after bringing (typ, name) to `inputs`."""
        provider = self.configure(inputs[PROVIDER_KEY])
        old = self.state.get((typ, name))
        checked = provider.check(dict(old.inputs) if old else {}, inputs)
        self._called(name, "check")
        if checked.failures:
            reasons = "; ".join(f"{f.property}: {f.reason}" for f in checked.failures)
            raise EngineError(f"check failed: {reasons}")
        news = {**checked.inputs, PROVIDER_KEY: inputs[PROVIDER_KEY]}
        if old is None:
            return "create", *self._create(provider, typ, name, news)
        diff = provider.diff(old.id, dict(old.outputs), news)
        self._called(name, "diff")
        changed = diff.changes if diff.changes is not None else _strip(old.inputs) != _strip(news)
        if not changed:
            old.inputs = news
            return "same", old.id, old.outputs
        if diff.replaces:
            return "replace", *self._replace(provider, old, news, bool(diff.delete_before_replace))
        result = provider.update(old.id, dict(old.outputs), news)
        self._called(name, "update")
        outputs = {**(result.outs or {}), PROVIDER_KEY: news[PROVIDER_KEY]}
        old.inputs, old.outputs = news, outputs
        return "update", old.id, outputs

    def delete_all(self, doomed: list[Stored]) -> list[tuple[str, str]]:
        """Delete `doomed` newest first, as the engine does; [("delete", name), …]."""
        done = []
        for stored in sorted(doomed, key=lambda s: s.order, reverse=True):
            self.configure(stored.outputs[PROVIDER_KEY]).delete(stored.id, dict(stored.outputs))
            self._called(stored.name, "delete")
            with self.lock:
                del self.state[(stored.type, stored.name)]
            done.append(("delete", stored.name))
        return done

    def _create(
        self, provider: ResourceProvider, typ: str, name: str, news: dict[str, Any]
    ) -> tuple[str, dict]:
        result = provider.create(news)
        self._called(name, "create")
        outputs = {**(result.outs or {}), PROVIDER_KEY: news[PROVIDER_KEY]}
        with self.lock:
            self.state[(typ, name)] = Stored(typ, name, str(result.id), news, outputs, next(self._order))
        return str(result.id), outputs

    def _replace(self, provider: ResourceProvider, old: Stored, news: dict[str, Any], first: bool) -> tuple:
        if first:
            provider.delete(old.id, dict(old.outputs))
            self._called(old.name, "delete")
            return self._create(provider, old.type, old.name, news)
        created = self._create(provider, old.type, old.name, news)
        self.configure(old.outputs[PROVIDER_KEY]).delete(old.id, dict(old.outputs))
        self._called(old.name, "delete")
        return created

    def _called(self, name: str, method: str) -> None:
        with self.lock:
            self.calls.append((name, method))


def _strip(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}
