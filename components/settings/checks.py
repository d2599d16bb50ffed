"""The post-deploy checks a stack runs (smoke steps, bake window, thresholds, Sentry), parsed and validated
into the Deployment's `post_deploy` input. The step shape is the provider's (pulumi_railway.toolkit.smoke),
so config and provider refuse the same steps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components.settings.keys import KEYS_BY_NAME, NAMESPACE, set_command
from components.settings.rules import Problems, parse_array, parse_int
from pulumi_railway.toolkit import smoke

PRODUCTION_BAKE_SECONDS = 180
SMOKE_SECRET_PREFIX = "smoke"  # noqa: S105 (a key-name prefix, not a secret)
_SECRET_FIELD = re.compile(r"pass(word)?|secret|token|api[-_]?key|authorization|cookie", re.IGNORECASE)
_STEP_PREFIX = re.compile(r"^step \d+:? ")
_STEPS_KEY = KEYS_BY_NAME["smokeSteps"]
_EXAMPLE_STEP = '\'{"method":"GET","path":"/health","expectField":"status"}\''


@dataclass(frozen=True)
class SentryTarget:
    url: str
    organization: str
    project: str
    max_new_issues: int


@dataclass(frozen=True)
class ChecksSettings:
    smoke_steps: tuple[Mapping[str, Any], ...] = ()
    smoke_secrets: tuple[str, ...] = ()  # the secret keys the steps refer to
    bake_window_seconds: int = 0
    bake_interval_seconds: int = 15
    error_rate_percent: float = 1.0
    min_requests: int = 50
    memory_percent: float = 85.0
    health_check_failures: int = 3
    sentry: SentryTarget | None = None

    def post_deploy(self, *, public: bool) -> dict[str, Any]:
        """The Deployment's `post_deploy` input; smoke steps and Sentry only for the public (web) service."""
        settings: dict[str, Any] = {
            "bake_window_seconds": self.bake_window_seconds,
            "bake_interval_seconds": self.bake_interval_seconds,
            "error_rate_percent": self.error_rate_percent,
            "min_requests": self.min_requests,
            "memory_percent": self.memory_percent,
            "health_check_failures": self.health_check_failures,
        }
        if public:
            settings["smoke_steps"] = [dict(step) for step in self.smoke_steps]
            if self.sentry is not None:
                settings["sentry"] = vars(self.sentry).copy()
        return settings


def parse_checks(
    p: Problems, kind: str, text: Callable[[str], str], secrets: Mapping[str, object], deploy_timeout: int
) -> ChecksSettings:
    """Every check key of the stack, each problem added to `p` with the key and its fix."""
    steps, wanted = _steps(p, text, secrets)
    window_text = text("bakeWindowSeconds").strip()
    default_window = PRODUCTION_BAKE_SECONDS if kind == "production" else 0
    window = parse_int(p, KEYS_BY_NAME["bakeWindowSeconds"], window_text or str(default_window))
    if window > deploy_timeout:
        _problem(
            p,
            "bakeWindowSeconds",
            f"{window}s is longer than the deploy timeout allows (deployTimeoutSeconds: {deploy_timeout}s); "
            "shorten the bake window or raise deployTimeoutSeconds",
            str(min(PRODUCTION_BAKE_SECONDS, deploy_timeout)),
        )
    return ChecksSettings(
        smoke_steps=steps,
        smoke_secrets=wanted,
        bake_window_seconds=window,
        bake_interval_seconds=_int(p, text, "bakeIntervalSeconds"),
        error_rate_percent=_percent(p, text, "errorRateThresholdPercent"),
        min_requests=_int(p, text, "errorRateMinRequests"),
        memory_percent=_percent(p, text, "memoryThresholdPercent"),
        health_check_failures=_int(p, text, "healthCheckFailureThreshold"),
        sentry=_sentry(p, text, secrets),
    )


def _problem(p: Problems, name: str, what: str, example: str, index: int = 0) -> None:
    p.add(f"{NAMESPACE}:{name}: {what}", set_command(KEYS_BY_NAME[name], p.stack, example, index))


def _int(p: Problems, text: Callable[[str], str], name: str) -> int:
    return parse_int(p, KEYS_BY_NAME[name], text(name))


def _percent(p: Problems, text: Callable[[str], str], name: str) -> float:
    raw, default = text(name).strip(), float(str(KEYS_BY_NAME[name].default))
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 100.0:
        _problem(p, name, f"'{raw}' is not a percentage between 0 and 100", f"{default:g}")
        return default
    return value


def _steps(
    p: Problems, text: Callable[[str], str], secrets: Mapping[str, object]
) -> tuple[tuple[Mapping[str, Any], ...], tuple[str, ...]]:
    items = parse_array(p, KEYS_BY_NAME["smokeSteps"], text("smokeSteps"), None, "a smoke step")
    steps: list[Mapping[str, Any]] = []
    wanted: set[str] = set()
    for index, item in enumerate(items):
        try:
            step = json.loads(item)
        except json.JSONDecodeError:
            step = None
        problems = (
            smoke.step_problems(step, index) if step is not None else [f"step {index + 1}: is not JSON"]
        )
        if isinstance(step, Mapping):
            problems += _plain_secrets(step, index) + _secret_refs(step, index, secrets)
            wanted |= smoke.secret_names(step)
            steps.append(step)
        for problem in problems:
            what = _STEP_PREFIX.sub("", problem)
            p.add(  # the key alone before the first ": ", so the problem is placed at the key's line
                f"{NAMESPACE}:smokeSteps: item {index}: {what}",
                set_command(_STEPS_KEY, p.stack, _EXAMPLE_STEP, index),
            )
    return tuple(steps), tuple(sorted(wanted))


def _plain_secrets(step: Mapping[str, Any], index: int) -> list[str]:
    """Fields that look like secrets (password, token, …) holding a literal instead of a reference."""
    found: list[str] = []

    def walk(value: Any, name: str) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(inner, str(key))
        elif isinstance(value, list):
            for inner in value:
                walk(inner, name)
        elif isinstance(value, str) and _SECRET_FIELD.search(name) and not smoke.PLACEHOLDER.search(value):
            found.append(
                f"step {index + 1}: '{name}' holds a secret in plain text; store it with "
                f"`pulumi config set --secret {NAMESPACE}:smokeUserPassword` and write "
                '"{{secret:smokeUserPassword}}" in the step instead'
            )

    walk(step.get("body"), "")
    walk(step.get("headers"), "")
    return found


def _secret_refs(step: Mapping[str, Any], index: int, secrets: Mapping[str, object]) -> list[str]:
    problems = []
    for name in sorted(smoke.secret_names(step)):
        key = KEYS_BY_NAME.get(name)
        if key is None or not key.secret or not name.startswith(SMOKE_SECRET_PREFIX):
            problems.append(
                f"step {index + 1}: {{{{secret:{name}}}}} is not a smoke secret (smokeUserPassword)"
            )
        elif name not in secrets:
            problems.append(
                f"step {index + 1}: refers to {{{{secret:{name}}}}} but the stack does not set it; "
                f"set it with `pulumi config set --secret {NAMESPACE}:{name}`"
            )
    return problems


def _sentry(p: Problems, text: Callable[[str], str], secrets: Mapping[str, object]) -> SentryTarget | None:
    organization, project = text("sentryOrganization").strip(), text("sentryProject").strip()
    url, has_token = text("sentryUrl").strip(), "sentryAuthToken" in secrets
    if not url.startswith("https://"):
        _problem(p, "sentryUrl", f"'{url}' is not an https:// URL", "https://sentry.io")
    if (organization or has_token) and not project:
        _problem(p, "sentryProject", "the Sentry check needs the project slug", "<project-slug>")
    if (project or has_token) and not organization:
        _problem(p, "sentryOrganization", "the Sentry check needs the organization slug", "<org-slug>")
    max_new = _int(p, text, "sentryMaxNewIssues")
    if not (organization and project):
        return None
    return SentryTarget(url, organization, project, max_new)
