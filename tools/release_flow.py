"""One release, start to verdict: deploy the digest, restore the previous one if the deploy failed, report.

Reporting (the GitHub Deployment, Slack, the run summary, each with the post-deploy checks' summary) never
decides the verdict: a GitHub or Slack outage is a warning, the deploy's result is the exit code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pulumi_railway.toolkit.check_summary import ERROR_MARKER, STATUS_LIMIT, Report
from tools.github_deployments import Deployments
from tools.github_rest import GithubError
from tools.release_inputs import Release
from tools.release_stacks import Stacks, UpOutcome
from tools.slack_notice import SlackError, message

# What the deploy gate says when a deploy failed (pulumi_railway/toolkit/deploy_gate.py).
ROLLED_BACK = re.compile(r"rolled back to deployment|Railway kept it serving")
DEPLOY_FAILED = re.compile(r"Deployment \S+ of .+ failed:")
EXIT = {"succeeded": 0, "rolled back": 1, "failed": 1, "error": 3}
STATE = {"succeeded": "success", "rolled back": "failure", "failed": "failure", "error": "error"}


@dataclass(frozen=True)
class Links:
    logs: str  # this run of cartly-infra's release workflow
    app_url: str | None  # where the stack serves the app


@dataclass
class Verdict:
    status: str  # succeeded | rolled back | failed | error
    detail: str
    previous: str | None
    restored: UpOutcome | None = None
    warnings: list[str] = field(default_factory=list)
    checks: Report = field(default_factory=lambda: Report(()))  # the release's post-deploy checks

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]


def classify(outcome: UpOutcome) -> str:
    if outcome.ok:
        return "succeeded"
    if ROLLED_BACK.search(outcome.error):
        return "rolled back"
    return "failed" if DEPLOY_FAILED.search(outcome.error) else "error"


def checks_report(outcome: UpOutcome) -> Report:
    """The post-deploy checks of one `up`: the stack's `deployChecks` output, or each failed Deployment's
    summary line in the error; an unreadable one is left out (the verdict never depends on it)."""
    try:
        if outcome.ok:
            return Report.from_outputs(outcome.checks)
        lines = [line.strip() for line in outcome.error.splitlines() if line.strip().startswith(ERROR_MARKER)]
        return Report.from_errors(lines)
    except (ValueError, KeyError, TypeError):
        return Report(())


def status_text(head: str, checks: Report) -> str:
    """A GitHub Deployment status description: the verdict, then the checks, within GitHub's limit."""
    text = f"{head}. {checks.to_status_description()}" if checks.summaries else head
    return text if len(text) <= STATUS_LIMIT else text[: STATUS_LIMIT - 1] + "…"


def describe(status: str, release: Release, previous: str | None) -> str:
    return {
        "succeeded": f"{release.digest[:19]} runs on {release.stack}",
        "rolled back": f"Rolled back: {previous or 'the previous deployment'} still serves {release.stack}",
        "failed": "Deploy failed and nothing healthy was left to roll back to",
        "error": "The release stopped before or outside the deploy; see the logs",
    }[status]


def run_release(
    release: Release,
    stacks: Stacks,
    deployments: Deployments | None,
    notify: Callable[[str], None],
    links: Links,
) -> Verdict:
    """Deploy `release` and report it; `notify` posts the Slack text (it may raise SlackError)."""
    previous = stacks.running_digest(release.stack)
    verdict = Verdict("error", "", previous)
    deployment_id = _start(release, deployments, links, verdict)
    outcome = stacks.up(release.stack, release.digest)
    verdict.status = classify(outcome)
    verdict.detail = outcome.error
    verdict.checks = checks_report(outcome)
    if verdict.status in ("rolled back", "failed") and previous and previous != release.digest:
        verdict.restored = stacks.up(release.stack, previous)
        if not verdict.restored.ok:
            verdict.warnings.append(
                f"Unable to pin the previous digest {previous} again; the next infra run would redeploy "
                f"{release.digest}. Release {previous} by hand: {verdict.restored.error[:300]}"
            )
    _finish(release, deployments, deployment_id, links, verdict)
    text = message(
        status=verdict.status,
        stack=release.stack,
        commit=release.commit,
        image=release.image,
        logs=links.logs,
        detail=_first_line(verdict.detail),
        checks=verdict.checks.to_text() if verdict.checks.summaries else "",
    )
    try:
        notify(text)
    except SlackError as exc:
        verdict.warnings.append(str(exc))
    return verdict


def _start(release: Release, deployments: Deployments | None, links: Links, verdict: Verdict) -> int | None:
    if deployments is None:
        return None
    try:
        deployment_id = deployments.create(
            commit=release.commit, environment=release.stack, description=f"Release {release.image}"
        )
        deployments.status(
            deployment_id, "in_progress", description="pulumi up", log_url=links.logs, environment_url=None
        )
    except GithubError as exc:
        verdict.warnings.append(str(exc))
        return None
    return deployment_id


def _finish(
    release: Release,
    deployments: Deployments | None,
    deployment_id: int | None,
    links: Links,
    verdict: Verdict,
) -> None:
    if deployments is None or deployment_id is None:
        return
    url = links.app_url if verdict.status == "succeeded" else None
    try:
        deployments.status(
            deployment_id,
            STATE[verdict.status],
            description=status_text(describe(verdict.status, release, verdict.previous), verdict.checks),
            log_url=links.logs,
            environment_url=url,
        )
    except GithubError as exc:
        verdict.warnings.append(str(exc))


def _first_line(text: str) -> str:
    found = DEPLOY_FAILED.search(text)
    if found:
        return text[found.start() :].splitlines()[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def summary(release: Release, verdict: Verdict, links: Links) -> str:
    """The run's Markdown summary."""
    lines = [
        f"### Cartly {release.stack} release {verdict.status}",
        "",
        f"- **Image:** `{release.image}`",
        f"- **Commit:** `{release.commit}` from `{release.app_ref}`",
        f"- **Previously running:** `{verdict.previous or 'nothing (new stack)'}`",
    ]
    if release.app_run_url:
        lines.append(f"- **App run:** {release.app_run_url}")
    if verdict.status == "succeeded" and links.app_url:
        lines.append(f"- **Serving:** {links.app_url}")
    if verdict.restored is not None:
        state = "pinned again" if verdict.restored.ok else "NOT pinned again"
        lines.append(f"- **Previous digest:** {state}, so the next infra change keeps it")
    if verdict.detail:
        lines += ["", "```", _first_line(verdict.detail), "```"]
    if verdict.checks.summaries:
        lines += ["", "Post-deploy checks:", "", "```", verdict.checks.to_text(), "```"]
    lines += [f"- warning: {w}" for w in verdict.warnings]
    return "\n".join(lines) + "\n"
