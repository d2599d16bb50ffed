"""`Stacks` (tools/release_stacks.py) over the engine-like mock: releases against the Railway emulator.

Each stack is an `Engine` keeping its state across runs, so a release, a failed release and a later
infra-only run see what the previous ones left, as with a real backend. Secrets answer the tests' stubs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from components.stack_outputs import DEPLOY_CHECKS, IMAGE_DIGEST
from testkit.mock_engine import Engine, UpResult
from tests.support.pulumi_mocks import stub_secret
from tools.release_stacks import UpOutcome

RELEASE_DIGEST = "releaseDigest"


@dataclass
class EngineStacks:
    """Stacks `production` and `staging` as mock engines on one emulator token."""

    railway_token: str
    engines: dict[str, Engine] = field(default_factory=dict)
    runs: list[tuple[str, str | None, UpResult]] = field(default_factory=list)  # (stack, digest, result)

    def engine(self, stack: str) -> Engine:
        if stack not in self.engines:
            self.engines[stack] = Engine(stack, railway_token=self.railway_token)
        return self.engines[stack]

    def infra_up(self, stack: str) -> UpResult:
        """An infra-only `pulumi up` (a push to this repository): no digest supplied."""
        result = self.engine(stack).up()
        self.runs.append((stack, None, result))
        return result

    def running_digest(self, stack: str) -> str | None:
        found = self.engine(stack).outputs.get(IMAGE_DIGEST)
        return str(found) if found else None

    def up(self, stack: str, digest: str) -> UpOutcome:
        result = self.engine(stack).up(config={RELEASE_DIGEST: digest})
        self.runs.append((stack, digest, result))
        changes = Counter(op for op, _ in result.operations)
        checks = self.engine(stack).outputs.get(DEPLOY_CHECKS) if result.ok else None
        found = checks if isinstance(checks, dict) else {}
        return UpOutcome(result.ok, "\n".join(result.errors), dict(changes), found)

    def secret(self, stack: str, key: str) -> str | None:
        return stub_secret(stack, key.split(":", 1)[-1])
