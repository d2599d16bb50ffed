"""Rate limits as Railway's edge and API apply them: a per-token request budget per window (answered with
429 + Retry-After, and X-RateLimit-* headers on every response), and Cloudflare's 10 requests/second limit on
requests without a query string (answered with an HTML 429 `error code: 1015` and no rate-limit headers).
Times come from the backend's clock, so a test can move past a window with `advance_time`.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from dataclasses import dataclass, field

CLOUDFLARE_429 = "error code: 1015"


# Railway's budgets per plan (docs integrations/api.md): requests per hour, requests per second.
PLAN_BUDGETS = {"HOBBY": (1_000, 10), "PRO": (10_000, 50)}


@dataclass
class TokenBudget:
    """Requests per token: `limit` per window (hourly), and, when set, `per_second` in any one second."""

    limit: int = 10_000
    window_seconds: float = 3600.0
    per_second: int | None = None
    used: dict[str, tuple[float, int]] = field(default_factory=dict)  # token digest -> (window start, used)
    recent: dict[str, deque[float]] = field(default_factory=dict)  # token digest -> times in the last second

    def spend(self, token: str, now: float) -> tuple[bool, dict[str, str]]:
        """Count one request for token; (allowed, headers to send)."""
        key = hashlib.sha256(token.encode()).hexdigest()
        if not self.within_second(key, now):
            headers = {"Retry-After": "1", "X-RateLimit-Limit": str(self.limit)}
            return False, headers
        start, used = self.used.get(key, (now, 0))
        if now >= start + self.window_seconds:
            start, used = now, 0
        allowed = used < self.limit
        if allowed:
            used += 1
        self.used[key] = (start, used)
        reset = start + self.window_seconds
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(self.limit - used, 0)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }
        if not allowed:
            headers["Retry-After"] = str(max(math.ceil(reset - now), 1))
        return allowed, headers

    def within_second(self, key: str, now: float) -> bool:
        """The per-second budget: False (and nothing counted) past `per_second` requests in one second."""
        if self.per_second is None:
            return True
        recent = self.recent.setdefault(key, deque())
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= self.per_second:
            return False
        recent.append(now)
        return True


@dataclass
class EdgeLimit:
    """Cloudflare's limit for requests without a query string."""

    per_second: int = 10
    recent: deque[float] = field(default_factory=deque)

    def allow(self, now: float) -> bool:
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if len(self.recent) >= self.per_second:
            return False
        self.recent.append(now)
        return True
