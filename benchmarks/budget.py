"""Benchmark: a day of Cartly's work against Railway's Hobby budget (1,000 requests an hour, 10 a second).

Run `venv/bin/python -m benchmarks.budget`: a preview up, a release and a preview destroy, each measured once
on the emulator's Hobby plan (frozen clock moved by the providers' waits), each deployment's reads
replaced by those polling makes over DEPLOY_TIMELINE (stated, not measured); then scaled to DAY."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from benchmarks._common import against_emulator
from benchmarks.railway_calls import Engine, _image, first_release, run_program
from pulumi_railway.toolkit.deploy_gate import next_poll

HOURLY, PER_SECOND = 1_000, 10
REQUEST_SECONDS = 0.15
POLL_SECONDS = 5.0
# When a prebuilt image's deployment changes status on Railway, in seconds after the trigger (assumed).
DEPLOY_TIMELINE = ((0.0, "QUEUED"), (20.0, "BUILDING"), (90.0, "DEPLOYING"), (150.0, "SUCCESS"))
DAY = {"release": 13, "preview up": 20, "preview destroy": 20}
WORKING_HOURS = 8
BUSIEST_HOUR = {"release": 3, "preview up": 4, "preview destroy": 4}


def modelled_reads(adaptive: bool) -> int:
    """Reads of one deployment until SUCCESS on DEPLOY_TIMELINE, with adaptive or fixed 5 s polling."""
    now, delay, status, reads = 0.0, POLL_SECONDS, "QUEUED", 0
    while status != "SUCCESS":
        now += delay
        reads += 1
        seen = [name for at, name in DEPLOY_TIMELINE if at <= now][-1]
        delay = next_poll(delay, POLL_SECONDS, changed=seen != status) if adaptive else POLL_SECONDS
        status = seen
    return reads


@dataclass
class Run:
    kind: str
    requests: int = 0
    refused: int = 0  # 429s from the per-second or hourly budget
    deployment_reads: int = 0
    deploys: int = 0

    def modelled(self, adaptive: bool = True) -> int:
        """Requests on real Railway: measured, with each deployment's reads as modelled."""
        return self.requests - self.deployment_reads + self.deploys * modelled_reads(adaptive)


class EmulatorTime:
    """The providers' waits: sleeping moves the emulator's frozen clock, so budgets refill as they would."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.backend.advance_time(seconds)

    def clock(self) -> float:
        return self.now


@contextmanager
def measuring(backend: Any, kind: str) -> Iterator[Run]:
    start = len(backend.requests)
    run = Run(kind)
    yield run
    entries = list(backend.requests)[start:]
    run.requests = len(entries)
    run.refused = sum(1 for e in entries if e.status == 429)
    run.deployment_reads = sum(1 for e in entries if e.operation_name == "Deployment" and e.status != 429)
    run.deploys = sum(1 for e in entries if e.operation_name == "ServiceInstanceDeployV2" and e.status != 429)


def measure(backend: Any, token: str) -> list[Run]:
    backend.freeze_time()
    backend.set_plan("HOBBY")
    backend.request_seconds = REQUEST_SECONDS
    engine = Engine(token, waits=EmulatorTime(backend))
    release = first_release()
    runs = []
    with measuring(backend, "preview up") as run:
        run_program(engine, release)
    runs.append(run)
    backend.advance_time(3600)  # a fresh hour for each, so one's spending does not refuse the next
    release = replace(release, images={name: _image(name, 2) for name in release.images})
    with measuring(backend, "release") as run:
        run_program(engine, release)
    runs.append(run)
    backend.advance_time(3600)
    with measuring(backend, "preview destroy") as run:
        engine.delete_all(list(engine.state.values()))
    runs.append(run)
    return runs


def report(runs: list[Run]) -> str:
    by_kind = {run.kind: run for run in runs}
    lines = [
        f"Deployment reads per deploy on real Railway (modelled): adaptive {modelled_reads(True)}, "
        f"fixed {POLL_SECONDS:g} s {modelled_reads(False)}"
    ]
    for run in runs:
        lines.append(
            f"{run.kind:16} measured {run.requests:3} requests ({run.refused} refused 429, "
            f"{run.deploys} deploys); on Railway ≈ {run.modelled():3}"
        )
    day = sum(by_kind[kind].modelled() * n for kind, n in DAY.items())
    fixed = sum(by_kind[kind].modelled(adaptive=False) * n for kind, n in DAY.items())
    busiest = sum(by_kind[kind].modelled() * n for kind, n in BUSIEST_HOUR.items())
    lines += [
        f"A day ({', '.join(f'{n} {kind}' for kind, n in DAY.items())}): {day} requests "
        f"({fixed} with fixed polling); {day / WORKING_HOURS:.0f} an hour over {WORKING_HOURS} working "
        f"hours, against Hobby's {HOURLY:,} an hour",
        f"Busiest plausible hour ({', '.join(f'{n} {kind}' for kind, n in BUSIEST_HOUR.items())}): "
        f"{busiest} requests of {HOURLY:,}",
    ]
    return "\n".join(lines)


def main() -> None:
    print(report(against_emulator(measure)))


if __name__ == "__main__":
    main()
