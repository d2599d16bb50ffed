"""A minimal stand-in for the Pulumi engine: check, then create, or diff and update/replace, per resource.

Owns: per-resource state (id and outputs, as the engine stores them), and the engine's call order, so a
benchmark or test can run a "program" several times and see exactly which provider calls each run made.
Like `pulumi up` without `--refresh`, it never calls `read`. Deliberately not here: the program itself
(benchmarks/railway_calls.py), previews, parallelism, dependencies other than call order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config

TOKEN_KEY = "cartly-infra:railwayToken"  # noqa: S105 (a config key, not a secret)


class CheckFailed(Exception):
    """A resource's inputs failed check(); the message names each property and reason."""


@dataclass
class Engine:
    token: str
    state: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (resource name, provider method)

    def apply(self, name: str, provider: ResourceProvider, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Bring resource `name` to `inputs` as `pulumi up` would; return its outputs."""
        provider.configure(ConfigureRequest(Config({TOKEN_KEY: self.token}, "cartly-infra")))
        news = {k: v for k, v in inputs.items() if v is not None}  # None-valued inputs are dropped
        old = self.state.get(name)
        checked = provider.check(old[1] if old else {}, news)
        self.calls.append((name, "check"))
        if checked.failures:
            reasons = "; ".join(f"{f.property}: {f.reason}" for f in checked.failures)
            raise CheckFailed(f"{name}: {reasons}")
        if old is None:
            return self._create(name, provider, checked.inputs)
        id_, olds = old
        diff = provider.diff(id_, olds, checked.inputs)
        self.calls.append((name, "diff"))
        if not diff.changes:
            return olds
        if diff.replaces:
            outs = self._create(name, provider, checked.inputs)
            provider.delete(id_, olds)
            self.calls.append((name, "delete"))
            return outs
        result = provider.update(id_, olds, checked.inputs)
        self.calls.append((name, "update"))
        self.state[name] = (id_, dict(result.outs or {}))
        return self.state[name][1]

    def _create(self, name: str, provider: ResourceProvider, inputs: dict[str, Any]) -> dict[str, Any]:
        result = provider.create(inputs)
        self.calls.append((name, "create"))
        self.state[name] = (str(result.id), dict(result.outs or {}))
        return self.state[name][1]
