"""The fault plan: answers a test scripts for the next N requests (optionally of one operation only),
instead of (or on top of) the normal answer. Kinds:
- "status": HTTP 500/502/503 (not applied);
- "html_429": Cloudflare's HTML 429 `error code: 1015`, no rate-limit headers (not applied);
- "rate_limited": 429 with Retry-After and X-RateLimit-* headers (not applied);
- "slow": applied, answered after `seconds` (past a client's read timeout);
- "reset_after_apply": applied, then the connection is closed without an answer;
- "problem_processing": GraphQL error "Problem processing request" with HTTP 200 (not applied);
- "kill": applied, the connection closed without an answer, and from then on the caller is dead: every
  request is refused (not applied) until `revive()`, as if the process that sent it was killed right after
  Railway applied its mutation. `on_kill` (if set) runs once then, e.g. to SIGKILL a real CLI process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

KINDS = ("status", "html_429", "rate_limited", "slow", "reset_after_apply", "problem_processing", "kill")
DEAD_MESSAGE = "Emulator: the caller was killed by a kill fault; nothing it sends is applied until revive()"


@dataclass
class Fault:
    kind: str
    count: int = 1
    operation: str | None = None
    status: int = 503
    seconds: float = 0.0  # slow: delay; rate_limited: Retry-After


class FaultPlan:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.planned: list[Fault] = []
        self.dead = False
        self.on_kill: Callable[[], None] | None = None

    def clear(self) -> None:
        with self.lock:
            self.planned.clear()
            self.dead = False
            self.on_kill = None

    def add(
        self,
        kind: str,
        count: int = 1,
        *,
        operation: str | None = None,
        status: int = 503,
        seconds: float = 0.0,
    ) -> Fault:
        """Answer the next `count` requests (of `operation`, or any) with this fault."""
        if kind not in KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}: use one of {', '.join(KINDS)}")
        if kind == "status" and status not in (500, 502, 503, 504):
            raise ValueError(f"Fault status {status} is not a 5xx the emulator imitates (500, 502, 503, 504)")
        fault = Fault(kind, count, operation, status, seconds)
        with self.lock:
            self.planned.append(fault)
        return fault

    # One helper per kind, so tests read as sentences.
    def http_status(self, status: int, count: int = 1, *, operation: str | None = None) -> Fault:
        return self.add("status", count, operation=operation, status=status)

    def html_429(self, count: int = 1, *, operation: str | None = None) -> Fault:
        return self.add("html_429", count, operation=operation)

    def rate_limited(self, retry_after: float = 1, count: int = 1, *, operation: str | None = None) -> Fault:
        return self.add("rate_limited", count, operation=operation, seconds=retry_after)

    def slow(self, seconds: float, count: int = 1, *, operation: str | None = None) -> Fault:
        return self.add("slow", count, operation=operation, seconds=seconds)

    def reset_after_apply(self, count: int = 1, *, operation: str | None = None) -> Fault:
        return self.add("reset_after_apply", count, operation=operation)

    def problem_processing(self, count: int = 1, *, operation: str | None = None) -> Fault:
        return self.add("problem_processing", count, operation=operation)

    def kill(self, operation: str, *, on_kill: Callable[[], None] | None = None) -> Fault:
        """Apply the next `operation`, then act as if its sender died: see the "kill" kind."""
        self.on_kill = on_kill
        return self.add("kill", operation=operation)

    def revive(self) -> None:
        """The next run starts: requests are answered again."""
        with self.lock:
            self.dead = False

    def take(self, operation: str | None) -> Fault | None:
        """The fault that answers a request for `operation`, consuming one of its count."""
        with self.lock:
            for fault in self.planned:
                if fault.operation is None or fault.operation == operation:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.planned.remove(fault)
                    return fault
        return None

    def pending(self) -> int:
        with self.lock:
            return sum(f.count for f in self.planned)
