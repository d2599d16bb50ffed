"""Post-deploy checks: what runs after a deployment passes its health gate, before the deploy counts as done.

The Deployment inputs `post_deploy` and `post_deploy_secrets`, their validation, and `Run` (duration, smoke
steps, the bake window, Sentry), giving a Summary. Deploying and rolling back are deploy_gate.py's; judging
each signal smoke.py's, bake.py's and sentry.py's; sending alerts tools/'."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import CheckFailure

from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.retry import Waits
from pulumi_railway.toolkit import smoke
from pulumi_railway.toolkit.bake import BakeSettings, Where, bake
from pulumi_railway.toolkit.check_summary import Outcome, Summary
from pulumi_railway.toolkit.checks import failure, is_unknown
from pulumi_railway.toolkit.deploy_gate import DeploymentFailed
from pulumi_railway.toolkit.sentry import SentrySettings, check_sentry

INPUT = "post_deploy"
SECRETS_INPUT = "post_deploy_secrets"
PERCENT_KEYS = ("error_rate_percent", "memory_percent")
COUNT_KEYS = ("min_requests", "health_check_failures")

__all__ = ["Plan", "Run", "check_post_deploy"]


@dataclass(frozen=True)
class Plan:
    """The checks one deploy runs, parsed from the `post_deploy` input (every key optional)."""

    steps: tuple[smoke.Step, ...] = ()
    bake: BakeSettings = field(default_factory=BakeSettings)
    sentry: SentrySettings | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Plan:
        raw = raw or {}
        defaults = BakeSettings()
        settings = BakeSettings(
            window_seconds=float(raw.get("bake_window_seconds", defaults.window_seconds)),
            interval_seconds=float(raw.get("bake_interval_seconds", defaults.interval_seconds)),
            error_rate_percent=float(raw.get("error_rate_percent", defaults.error_rate_percent)),
            min_requests=int(raw.get("min_requests", defaults.min_requests)),
            memory_percent=float(raw.get("memory_percent", defaults.memory_percent)),
            health_failures=int(raw.get("health_check_failures", defaults.health_failures)),
        )
        sentry = raw.get("sentry")
        return cls(
            steps=tuple(smoke.Step.parse(s, i) for i, s in enumerate(raw.get("smoke_steps") or [])),
            bake=settings,
            sentry=SentrySettings(**sentry) if sentry else None,
        )


def check_post_deploy(news: Mapping[str, Any]) -> list[CheckFailure]:
    """The provider's check of `post_deploy` (and of the secrets its steps refer to)."""
    raw = news.get(INPUT)
    if raw is None or is_unknown(raw):
        return []
    if not isinstance(raw, Mapping):
        return [failure(INPUT, f"{INPUT} must be an object of check settings; got {type(raw).__name__}")]
    problems = [p for i, s in enumerate(raw.get("smoke_steps") or []) for p in smoke.step_problems(s, i)]
    for key in PERCENT_KEYS:
        value = raw.get(key)
        if value is not None and (not _number(value) or not 0 <= value <= 100):
            problems.append(f"{key} must be a percentage between 0 and 100; got {value!r}")
    for key in (*COUNT_KEYS, "bake_window_seconds", "bake_interval_seconds"):
        value = raw.get(key)
        if value is not None and (not _number(value) or value < 0):
            problems.append(f"{key} must be a number 0 or more; got {value!r}")
    window, timeout = raw.get("bake_window_seconds"), news.get("timeout_seconds", 600)
    if _number(window) and _number(timeout) and window > timeout:
        problems.append(f"bake_window_seconds ({window:g}) must not exceed timeout_seconds ({timeout:g})")
    problems += _missing_secrets(raw, news.get(SECRETS_INPUT))
    return [failure(INPUT, f"{INPUT}: {problem}") for problem in problems]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _missing_secrets(raw: Mapping[str, Any], secrets: Any) -> list[str]:
    if secrets is not None and is_unknown(secrets):
        return []
    known = set(((secrets or {}).get("smoke") or {}).keys()) if isinstance(secrets, Mapping) else set()
    wanted = {
        n for s in raw.get("smoke_steps") or [] if isinstance(s, Mapping) for n in smoke.secret_names(s)
    }
    return [
        f"a smoke step refers to {{{{secret:{n}}}}}, which {SECRETS_INPUT}.smoke lacks"
        for n in sorted(wanted - known)
    ]


# `post_deploy`: smoke steps, bake window and thresholds, Sentry project; `post_deploy_secrets`: the values
# smoke steps refer to as `{{secret:NAME}}`, and the Sentry token. A SEV-2 breach makes `verify` return a
# reason, and deploy_gate rolls back as for a failed health gate; a SEV-3 breach is only reported. `failed`
# adds the summary (and its machine-readable line) to the error of a deploy that failed, so a timeout or a
# rollback reaches the Slack alert too.
class Run:
    """The checks of one deploy; `verify` is deploy_gate's hook, `failed` enriches its error."""

    def __init__(
        self,
        client: RailwayClient,
        inputs: Mapping[str, Any],
        waits: Waits,
        *,
        url_for: Callable[[str], str] | None,
        health_url: str | None,
    ) -> None:
        self.client, self.waits = client, waits
        self.plan = Plan.parse(inputs.get(INPUT))
        secrets = inputs.get(SECRETS_INPUT) or {}
        self._smoke_secrets: Mapping[str, str] = dict(secrets.get("smoke") or {})
        self._sentry_token: str | None = secrets.get("sentry_token") or None
        self.timeout = float(inputs.get("timeout_seconds") or 600)
        self.url_for, self.health_url = url_for, health_url
        self.started = waits.clock()
        self.summary: Summary | None = None

    def __repr__(self) -> str:  # never show the secrets it holds
        return f"Run(deployment checks, {len(self.plan.steps)} smoke step(s))"

    def verify(self, node: Mapping[str, Any]) -> str | None:
        """Run every check on the live deployment `node`; a reason to roll back, or None."""
        outcomes = [self._duration()]
        outcomes.append(self._smoke())
        if outcomes[-1].rolls_back:
            why = "not run: the smoke steps failed"
            outcomes += [
                Outcome(n, "skipped", detail=why) for n in ("error rate", "memory", "health checks", "sentry")
            ]
        else:
            since = str(node.get("createdAt") or "")
            where = Where(
                str(node.get("environmentId") or ""), str(node.get("serviceId") or ""), str(node["id"]), since
            )
            outcomes += bake(self.client, where, self.health_url, self.plan.bake, self.waits)
            outcomes.append(self._sentry(since))
        self.summary = Summary(str(node["id"]), tuple(outcomes))
        breaches = [o.line() for o in self.summary.breaches if o.rolls_back]
        return "; ".join(breaches) if breaches else None

    def output(self) -> dict[str, Any] | None:
        return None if self.summary is None else self.summary.to_output()

    def failed(self, exc: DeploymentFailed) -> DeploymentFailed:
        """The deploy's error with the summary appended (a timeout is a SEV-2 duration breach)."""
        summary = self.summary
        if summary is None:  # the deploy failed before the checks: its duration and the failure itself
            reason = str(exc).split(" failed: ", 1)[-1]
            summary = Summary(
                exc.deployment_id,
                (self._duration(), Outcome("deploy", "breached", severity="SEV-2", detail=reason)),
            )
        summary = summary.with_failure(exc.rolled_back_to)
        message = f"{exc}\n{summary.to_text()}\n{summary.error_line()}"
        return DeploymentFailed(message, deployment_id=exc.deployment_id, rolled_back_to=exc.rolled_back_to)

    def _duration(self) -> Outcome:
        elapsed = self.waits.clock() - self.started
        measured, threshold = f"{elapsed:.0f}s", f"{self.timeout:g}s"
        if elapsed >= self.timeout:
            return Outcome(
                "duration", "breached", measured, threshold, "SEV-2", "the deploy did not finish in time"
            )
        return Outcome("duration", "passed", measured, threshold)

    def _smoke(self) -> Outcome:
        if not self.plan.steps:
            return Outcome("smoke", "skipped", detail="no smoke steps declared")
        if self.url_for is None:
            return Outcome("smoke", "skipped", detail="the service has no public domain to send them to")
        return smoke.run_steps(list(self.plan.steps), self.url_for, self._smoke_secrets)

    def _sentry(self, since: str) -> Outcome:
        if self.plan.sentry is None:
            return Outcome("sentry", "skipped", detail="no Sentry auth token or project configured")
        return check_sentry(self.plan.sentry, self._sentry_token, since)
