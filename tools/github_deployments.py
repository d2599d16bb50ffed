"""GitHub Deployments in the app repository: one deployment per release, and its statuses as it goes.

A release creates a deployment of the app commit to the stack's environment (`production` or `staging`),
then posts `in_progress`, and finally `success` or `failure`. GitHub has no "rolled back" state
(error/failure/inactive/in_progress/queued/pending/success): a rolled-back release is `failure`, its
description starting "Rolled back:", and the previous deployment stays the environment's active one (GitHub
marks older deployments inactive only on a new `success`). `error` is for a release that never reached
Railway (Pulumi or the tool failed first). The token comes from the caller; it is never logged.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")
TIMEOUT_SECONDS = 30
DESCRIPTION_LIMIT = 140  # GitHub refuses longer status descriptions


class GithubError(RuntimeError):
    """GitHub refused or could not be reached; says which call and GitHub's answer (never the token)."""


@dataclass
class Deployments:
    """The Deployments API of one repository (`owner/name`), at `api_url` (GitHub or GHES)."""

    repository: str
    token: str
    api_url: str = "https://api.github.com"
    session: requests.Session | None = None

    def __repr__(self) -> str:
        return f"Deployments({self.repository!r}, api_url={self.api_url!r})"

    def _post(self, path: str, body: dict[str, object]) -> dict[str, object]:
        http = self.session or requests.Session()
        url = f"{self.api_url.rstrip('/')}/repos/{self.repository}/{path}"
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        try:
            answer = http.post(url, json=body, headers=headers, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            raise GithubError(f"Unable to reach GitHub for {path}: {type(exc).__name__}") from None
        if answer.status_code >= 300:
            raise GithubError(f"GitHub refused POST {path}: HTTP {answer.status_code} {answer.text[:300]}")
        data: dict[str, object] = answer.json()
        return data

    def create(self, *, commit: str, environment: str, description: str) -> int:
        """A deployment of `commit` to `environment`; its id."""
        body: dict[str, object] = {
            "ref": commit,
            "environment": environment,
            "description": description[:DESCRIPTION_LIMIT],
            "auto_merge": False,  # deploy exactly this commit, never merge the default branch into it
            "required_contexts": [],  # the app pipeline already gated on its checks before building
            "production_environment": environment == "production",
            "transient_environment": False,
            "task": "deploy",
        }
        return int(str(self._post("deployments", body)["id"]))

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
        self._post(f"deployments/{deployment_id}/statuses", body)
