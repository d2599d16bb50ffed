"""Shared by the release tool's tests: valid inputs, and a Stacks double that scripts `pulumi up` outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.release_stacks import UpOutcome

REPOSITORY = "ghcr.io/cartly-app/cartly"
DIGEST = "sha256:" + "1" * 64
OLD_DIGEST = "sha256:" + "0" * 64
COMMIT = "a" * 40
RUN = "https://github.com/cartly-app/cartly/actions/runs/42"
ROLLED_BACK_ERROR = (
    "Deployment 'cartly-web-deployment': Deployment d-2 of service web in environment staging failed: "
    "the health check https://x/health failed 5 time(s) (last: 503); rolled back to deployment d-1"
)


def valid(stack: str = "staging", **overrides: str) -> dict[str, str]:
    ref = {"production": "refs/heads/main", "staging": "refs/heads/staging"}.get(stack, "refs/heads/main")
    values = {
        "stack": stack,
        "image": f"{REPOSITORY}@{DIGEST}",
        "commit": COMMIT,
        "app_ref": ref,
        "app_run_url": RUN,
    }
    values.update(overrides)
    return values


def argv(command: str, values: dict[str, str]) -> list[str]:
    return [command, *[f"--{k.replace('_', '-')}={v}" for k, v in values.items()]]


@dataclass
class ScriptedStacks:
    """A Stacks whose `up` answers come from a list, recording every call."""

    running: str | None = OLD_DIGEST
    outcomes: list[UpOutcome] = field(default_factory=list)
    slack_token: str | None = "xoxb-test-token"
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def running_digest(self, stack: str) -> str | None:
        self.calls.append(("running_digest", stack))
        return self.running

    def up(self, stack: str, digest: str) -> UpOutcome:
        self.calls.append(("up", stack, digest))
        return self.outcomes.pop(0) if self.outcomes else UpOutcome(True, "", {"update": 3})

    def secret(self, stack: str, key: str) -> str | None:
        self.calls.append(("secret", stack, key))
        return self.slack_token
