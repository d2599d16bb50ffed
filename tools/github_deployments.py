"""GitHub Deployments in the app repository: one deployment per release, and its statuses as it goes."""

from __future__ import annotations

from tools.github_rest import DESCRIPTION_LIMIT, GithubRepository

# A release posts `in_progress`, then `success` or `failure`. GitHub has no "rolled back" state: a rolled-back
# release is `failure`, its description starting "Rolled back:", and the previous deployment stays the
# environment's active one (GitHub marks older ones inactive only on a new `success`). `error` is for a
# release that never reached Railway (Pulumi or the tool failed first).
STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")


class Deployments(GithubRepository):
    """The Deployments API of one repository (`owner/name`), at `api_url` (GitHub or GHES)."""

    def create(self, *, commit: str, environment: str, description: str) -> int:
        """A deployment of `commit` to `environment`; its id."""
        return self.create_deployment(
            commit=commit, environment=environment, description=description, task="deploy", transient=False
        )

    def status(
        self, deployment_id: int, state: str, *, description: str, log_url: str, environment_url: str | None
    ) -> None:
        """Post a status; `environment_url` only where the app is reachable (success)."""
        if state not in STATES:
            raise ValueError(f"Unknown deployment state {state!r}: GitHub knows {', '.join(STATES)}")
        body: dict[str, object] = {
            "state": state,
            "description": description[:DESCRIPTION_LIMIT],
            "log_url": log_url,
            "auto_inactive": True,
        }
        if environment_url:
            body["environment_url"] = environment_url
        self.call("POST", f"deployments/{deployment_id}/statuses", body)
