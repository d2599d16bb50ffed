"""A clock for tests and benchmarks: `sleep` advances it at once and is recorded; nothing really waits."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeTime:
    """Satisfies `pulumi_railway.api.retry.Waits`; pass it to a provider as `waits=`."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
