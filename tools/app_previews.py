"""An app pull request's preview from open to close: bring stack pr-<N> up on a dispatched digest, take it
down when the pull request closes, and keep the pull request's comment and GitHub Deployment in step.
"""

from __future__ import annotations

from datetime import timedelta

from tools.app_preview_inputs import AppPreview
from tools.preview_github import PullRequestPlaces
from tools.preview_report import redact
from tools.preview_stacks import PreviewStacks, UpReport

IMAGE_DIGEST_KEY = "cartly-infra:imageDigest"


def ready_text(request: AppPreview, report: UpReport) -> str:
    railway = report.outputs.get("healthDomain")
    lines = [
        f"### Preview of #{request.pr}: ready",
        "",
        f"**<{report.url}>**" + (f" (Railway: <https://{railway}>)" if railway else ""),
        "",
        f"- **Commit:** `{request.commit}`",
        f"- **Image:** `{request.image}`",
        "- **Data:** its own PostgreSQL 16 and Redis (empty, or seeded); nothing of staging's",
        "",
        "Updated in place on every push; replaced by a note when the pull request closes.",
    ]
    return redact("\n".join(lines) + "\n")


def failed_text(request: AppPreview, message: str) -> str:
    first = message.splitlines()[0] if message else "it failed"
    head = f"### Preview of #{request.pr}: failed\n\nCommit `{request.commit}` could not be deployed"
    return redact(f"{head}: {first}\n\nThe workflow run's log has the details; the next push tries again.\n")


CLOSED = "The pull request was closed."


def removed_text(request: AppPreview, existed: bool, why: str = CLOSED) -> str:
    said = "removed, with its databases" if existed else "already gone"
    return f"### Preview of #{request.pr}: {said}\n\n{why}\n"


def bring_up(request: AppPreview, stacks: PreviewStacks, places: PullRequestPlaces) -> UpReport:
    """`pulumi up` of pr-<N> running exactly the dispatched digest, reported on the pull request."""
    short = request.commit[:7]
    deployment = places.start_deployment(request.commit, request.stack, f"Preview of {short}")
    try:
        report = stacks.up_stack(request.stack, {IMAGE_DIGEST_KEY: request.digest}, image_tag=request.digest)
    except Exception as exc:
        places.status(deployment, "failure", f"Preview of {short} failed")
        places.comment(request.pr, failed_text(request, f"{type(exc).__name__}: {exc}"))
        raise
    places.status(deployment, "success", f"Preview of {short}", report.url)
    places.comment(request.pr, ready_text(request, report))
    return report


def take_down(
    request: AppPreview, stacks: PreviewStacks, places: PullRequestPlaces, why: str = CLOSED
) -> bool:
    """Destroy and remove pr-<N> (absent: nothing to do); its deployments go inactive, the comment says so."""
    existed = stacks.destroy_stack(request.stack)
    places.deactivate(request.stack, why)
    places.comment(request.pr, removed_text(request, existed, why))
    return existed


def reap(
    request: AppPreview, stacks: PreviewStacks, places: PullRequestPlaces, max_age: timedelta
) -> str | None:
    """Take pr-<N> down if its pull request is not open or it was not updated for `max_age`; why, or None
    when it stays (absent, fresh and open, or held by an update). The app repository is asked right before
    the destroy; if it cannot answer, GithubError: an unanswered question never reads as "closed"."""
    found = stacks.previews(request.pr, app=True)
    if len(found) != 1:
        return None
    open_prs = {request.pr} if places.is_open(request.pr) else set()
    reason = stacks.why_stale(found[0], open_prs, max_age)
    if reason is not None:
        take_down(request, stacks, places, f"Removed by the daily reaper: {reason}.")
    return reason
