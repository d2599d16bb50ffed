"""Benchmark: Railway requests, mutations and deploys per scenario with the real Pulumi engine.

Run `venv/bin/python -m benchmarks.real_engine` (needs the pinned CLI: scripts/pulumi-cli): stack staging,
then a preview beside it via tools/previews.py, against the emulator (testkit/engine_setup.py); beside each
scenario, the engine-like mock's number from benchmarks/railway_calls.py where it has the same one."""

from __future__ import annotations

import io
import os
import secrets
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from components.settings.keys import required_secrets
from testkit import engine_setup
from testkit.fake_railway.server import FakeRailwayServer
from testkit.real_engine import RealEngine, find_cli
from tools import previews
from tools.preview_stacks import stack_name

STACK = "staging"
PR = 1
# benchmarks/railway_calls.py's (requests, mutations, deploys) for the same scenario, run of 2026-12-04.
MOCK = {
    "staging from nothing": (28, 11, 2),
    "the same inputs again": (0, 0, 0),
    "one secret changed (jwtSecret)": (6, 2, 1),
}
WHY = (
    "Why they differ. From nothing, +3 requests and +1 mutation: staging also declares the web's Railway "
    "domain (cartly-web-railway-domain: a Service read, a Domains read, serviceDomainCreate), which the "
    "mock's two-service model lacks; every other operation is counted the same. The engine's own calls "
    "(CheckConfig/Configure, Check, Diff) never reach Railway, it does not refresh on up, its parallel "
    "steps change the order, not the count, and at zero pacing a deploy is 3 status reads in both. "
    "A preview up copies staging's environment: environmentCreate makes Railway deploy both copied "
    "services before cartly-infra's own deploys, so 4 deploys where benchmarks/budget.py's mock models "
    "an environment from nothing (28 requests, 2 deploys). A preview destroy is environmentDelete and "
    "projectTokenDelete: everything inside the environment is `deleted_with` it (the mock deleted each: "
    "18 requests in benchmarks/budget.py)."
)


@dataclass
class Measured:
    """What one scenario sent Railway and the deployments it caused (by service name)."""

    scenario: str
    by_operation: Counter[str] = field(default_factory=Counter)
    mutations: Counter[str] = field(default_factory=Counter)  # mutation root fields
    deploys: Counter[str] = field(default_factory=Counter)  # by service name
    deploy_reasons: Counter[str] = field(default_factory=Counter)  # who started them (the emulator's reason)

    @property
    def requests(self) -> int:
        return sum(self.by_operation.values())

    @property
    def mutation_count(self) -> int:
        return sum(self.mutations.values())

    @property
    def deploy_count(self) -> int:
        return sum(self.deploys.values())


@contextmanager
def measuring(server: FakeRailwayServer, scenario: str, results: list[Measured]) -> Iterator[None]:
    """Count what the emulator saw while the block ran."""
    backend = server.backend
    mark, before = len(backend.requests), set(backend.deployments)
    measured = Measured(scenario)
    yield
    for entry in list(backend.requests)[mark:]:
        measured.by_operation[str(entry.operation_name)] += 1
        if entry.is_mutation:
            measured.mutations.update(entry.root_fields)
    for dep_id, dep in backend.deployments.items():
        if dep_id not in before:
            measured.deploys[backend.services[dep.service_id].name] += 1
            measured.deploy_reasons[str(dep.meta.get("reason", "?"))] += 1
    results.append(measured)


def init_stack(engine: RealEngine, stack: str) -> None:
    """tools/init_stack.py, the secrets piped one a line as typed at its prompts (as the engine tier does)."""
    wanted = [key.qualified for key in required_secrets(stack)]
    done = engine_setup.init_stack(
        engine, stack, (f"bench-{stack}-{key.split(':')[1]}-{secrets.token_hex(4)}" for key in wanted)
    )
    if done.returncode != 0:
        raise RuntimeError(f"init_stack {stack} failed: {done.stderr.strip()}")


def up(engine: RealEngine) -> None:
    result = engine.stack(STACK).up()
    if result.summary.result != "succeeded":
        raise RuntimeError(f"up of {STACK}: {result.summary.result}")


@contextmanager
def engine_environ(engine: RealEngine) -> Iterator[None]:
    """tools/previews.py reads its backend and passphrase from the environment, as in CI."""
    saved = dict(os.environ)
    os.environ.update(engine.env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_previews(engine: RealEngine, *args: str) -> None:
    code = previews.main(["--project-dir", str(engine.project_dir), *args])
    if code != 0:
        raise RuntimeError(f"previews.py {args[0]} exited {code}")


def scenarios(engine: RealEngine, summary: Path) -> list[tuple[str, Callable[[], None]]]:
    """The scenarios in order; each starts from the state the previous one left."""
    pr = ("--pr", str(PR))

    def rotate_secret() -> None:
        engine.set_secret(STACK, "cartly-infra:jwtSecret", "bench-jwt-rotated")
        up(engine)

    def scale_web() -> None:
        engine.cli("config", "set", "cartly-infra:webReplicas", "2", "--stack", STACK)
        up(engine)

    return [
        ("staging from nothing", lambda: up(engine)),
        ("the same inputs again", lambda: up(engine)),
        ("one secret changed (jwtSecret)", rotate_secret),
        ("web replicas 1 -> 2 (webReplicas)", scale_web),
        (
            f"preview {stack_name(PR)} up",
            lambda: run_previews(engine, "up", *pr, "--summary-file", str(summary)),
        ),
        (f"preview {stack_name(PR)} destroy", lambda: run_previews(engine, "destroy", *pr)),
    ]


def run_scenarios(cli_dir: Path) -> list[Measured]:
    """Start an emulator and a throwaway backend, run every scenario, count each."""
    server = FakeRailwayServer().start()
    results: list[Measured] = []
    try:
        with tempfile.TemporaryDirectory(prefix="cartly-real-bench-") as scratch:
            engine = engine_setup.emulator_engine(Path(scratch), cli_dir, server)
            init_stack(engine, STACK)
            # The preview tool's progress (the CLI's output, its summary) is not the benchmark's report.
            with engine_environ(engine), redirect_stdout(io.StringIO()):
                for name, action in scenarios(engine, Path(scratch) / "summary.md"):
                    with measuring(server, name, results):
                        action()
    finally:
        server.stop()
    return results


def report(results: list[Measured]) -> str:
    lines = [
        "| scenario | real engine requests | mutations | deploys | mock engine (railway_calls) |",
        "|---|---:|---:|---:|---|",
    ]
    for m in results:
        mock = " / ".join(map(str, MOCK[m.scenario])) if m.scenario in MOCK else "no such scenario"
        deploys = ", ".join(f"{name} {n}" for name, n in sorted(m.deploys.items()))
        lines.append(
            f"| {m.scenario} | {m.requests} | {m.mutation_count} | {m.deploy_count}"
            f"{f' ({deploys})' if deploys else ''} | {mock} |"
        )
    lines.append("")
    for m in results:
        muts = ", ".join(f"{name} {n}" for name, n in sorted(m.mutations.items())) or "none"
        reasons = ", ".join(f"{n} by {why}" for why, n in sorted(m.deploy_reasons.items())) or "none"
        lines.append(f"{m.scenario}: mutations {muts}; deploys {reasons}")
        ops = ", ".join(f"{name} {n}" for name, n in sorted(m.by_operation.items())) or "none"
        lines.append(f"    by operation: {ops}")
    return "\n".join([*lines, "", WHY])


def main() -> None:
    print(report(run_scenarios(find_cli())))


if __name__ == "__main__":
    main()
