"""Where people look at an app preview: the pull request's comment and a transient GitHub Deployment.

Owns the GitHub REST calls in the app repository: one comment per pull request, found by its hidden marker
and edited in place (created the first time), and a Deployment of the head commit to environment `pr-<N>`
marked `transient_environment` (GitHub then shows "View deployment" and treats it as short-lived), with a
status `in_progress`, then `success` with the URL or `failure`; on destroy every deployment of that
environment gets `inactive`. The token comes from the caller; no message carries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

MARKER = "<!-- cartly-app-preview -->"
TIMEOUT_SECONDS = 30
DESCRIPTION_LIMIT = 140  # GitHub refuses longer status descriptions
PAGE = 100


class GithubError(RuntimeError):
    """GitHub refused or could not be reached: which call, and GitHub's answer (never the token)."""


@dataclass
class PullRequestPlaces:
    """The app repository (`owner/name`) at `api_url` (GitHub, GHES, or a test's server)."""

    repository: str
    token: str
    api_url: str = "https://api.github.com"
    session: requests.Session | None = None

    def __repr__(self) -> str:
        return f"PullRequestPlaces({self.repository!r}, api_url={self.api_url!r})"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
        http = self.session or requests.Session()
        url = f"{self.api_url.rstrip('/')}/repos/{self.repository}/{path}"
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        try:
            answer = http.request(
                method, url, json=body, params=params or None, headers=headers, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            raise GithubError(f"Unable to reach GitHub for {method} {path}: {type(exc).__name__}") from None
        if answer.status_code >= 300:
            raise GithubError(
                f"GitHub refused {method} {path}: HTTP {answer.status_code} {answer.text[:300]}"
            )
        return answer.json()

    def _pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            batch = self._call("GET", path, per_page=PAGE, page=page, **params)
            found.extend(batch)
            if len(batch) < PAGE:
                return found
            page += 1

    def refusals(self, pr: int, commit: str | None) -> list[str]:
        """Why GitHub says pull request `pr` may not have this preview (empty: it may): its head must live in
        this repository (never a fork), and to bring one up the pull request must be open at `commit`."""
        found = self._call("GET", f"pulls/{pr}")
        head = found.get("head") or {}
        where = (head.get("repo") or {}).get("full_name") or "a deleted repository"
        problems = []
        if str(where).lower() != self.repository.lower():
            problems.append(
                f"pull request #{pr} comes from {where}, not {self.repository}: a fork gets no preview"
            )
        if commit is not None and found.get("state") != "open":
            problems.append(f"pull request #{pr} is {found.get('state')}: only an open one gets a preview")
        if commit is not None and head.get("sha") != commit:
            problems.append(
                f"head commit {commit} is not pull request #{pr}'s head ({head.get('sha')}): a newer push "
                "supersedes it"
            )
        return problems

    def is_open(self, pr: int) -> bool:
        """Whether pull request `pr` is open now; GithubError if GitHub cannot say (never `closed`)."""
        return bool(self._call("GET", f"pulls/{pr}").get("state") == "open")

    def comment(self, pr: int, text: str) -> int:
        """Put `text` in the pull request's preview comment (edited in place); the comment's id."""
        body = f"{MARKER}\n{text}"
        mine = [c for c in self._pages(f"issues/{pr}/comments") if MARKER in str(c.get("body"))]
        if mine:
            comment_id = int(mine[0]["id"])
            self._call("PATCH", f"issues/comments/{comment_id}", {"body": body})
            return comment_id
        return int(self._call("POST", f"issues/{pr}/comments", {"body": body})["id"])

    def start_deployment(self, commit: str, environment: str, description: str) -> int:
        """A transient deployment of `commit` to `environment`, marked in progress; its id."""
        created = self._call(
            "POST",
            "deployments",
            {
                "ref": commit,
                "environment": environment,
                "description": description[:DESCRIPTION_LIMIT],
                "auto_merge": False,  # exactly this commit
                "required_contexts": [],  # the app pipeline gated on its checks before it built
                "production_environment": False,
                "transient_environment": True,
                "task": "deploy:preview",
            },
        )
        deployment_id = int(created["id"])
        self.status(deployment_id, "in_progress", description)
        return deployment_id

    def status(self, deployment_id: int, state: str, description: str, url: str | None = None) -> None:
        body: dict[str, Any] = {"state": state, "description": description[:DESCRIPTION_LIMIT]}
        if url:
            body.update(environment_url=url, auto_inactive=True)
        self._call("POST", f"deployments/{deployment_id}/statuses", body)

    def deactivate(self, environment: str, description: str) -> int:
        """Mark every deployment of `environment` inactive; how many there were."""
        deployments = self._pages("deployments", environment=environment)
        for deployment in deployments:
            self.status(int(deployment["id"]), "inactive", description)
        return len(deployments)
