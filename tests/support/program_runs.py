"""Shared by the program tests: one mocked run per stack (cached: a run is data once it is over), and lookups.

Not a test module; `tests/test_program*.py` import it.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

from tests.support.pulumi_mocks import ProgramRun, RegisteredResource, run_program, unwrap

STACKS = ("production", "staging", "pr-42")
RAILWAY = "pulumi-python:dynamic/railway:"
GITHUB = "github:index/"


@functools.cache
def program_run(stack: str) -> ProgramRun:
    return run_program(stack)


def counts(run: ProgramRun) -> dict[str, int]:
    """Resources per type, with the long type prefixes cut to `railway:X`, `github:X`."""
    short = Counter(_short(r.type) for r in run)
    return dict(sorted(short.items()))


def _short(typ: str) -> str:
    if typ.startswith(RAILWAY):
        return "railway:" + typ[len(RAILWAY) :]
    if typ.startswith(GITHUB):
        return "github:" + typ.rsplit(":", 1)[-1]
    return typ


def of(run: ProgramRun, short_type: str) -> list[RegisteredResource]:
    return [r for r in run if _short(r.type) == short_type]


def one(run: ProgramRun, short_type: str, name: str | None = None) -> RegisteredResource:
    found = [r for r in of(run, short_type) if name is None or r.name == name]
    assert len(found) == 1, f"expected one {short_type} {name or ''}, got {[r.name for r in found]}"
    return found[0]


def plain(resource: RegisteredResource, key: str) -> Any:
    return unwrap(resource.inputs.get(key))


def app_instances(run: ProgramRun) -> list[RegisteredResource]:
    """The app's ServiceInstances (web, worker): not a preview's data services (their image is by tag)."""
    return [s for s in of(run, "railway:ServiceInstance") if not plain(s, "image_by_tag")]
