"""One GitHub repository's REST API, as the release and preview tools call it.

The token comes from the caller and never reaches a message; GithubError says which call failed and how.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

TIMEOUT_SECONDS = 30
DESCRIPTION_LIMIT = 140  # GitHub refuses longer deployment status descriptions
PAGE = 100


class GithubError(RuntimeError):
    """GitHub refused or could not be reached: which call, and GitHub's answer (never the token)."""


@dataclass
class GithubRepository:
    """The repository `owner/name` at `api_url` (GitHub, GHES, or a test's server)."""

    repository: str
    token: str
    api_url: str = "https://api.github.com"
    session: requests.Session | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.repository!r}, api_url={self.api_url!r})"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
        """One request below /repos/<repository>/; its JSON answer."""
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

    def pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a listing, page by page."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            batch = self.call("GET", path, per_page=PAGE, page=page, **params)
            found.extend(batch)
            if len(batch) < PAGE:
                return found
            page += 1

    def create_deployment(
        self, *, commit: str, environment: str, description: str, task: str, transient: bool
    ) -> int:
        """A GitHub Deployment of exactly `commit` (never merged with the default branch); its id."""
        body = {
            "ref": commit,
            "environment": environment,
            "description": description[:DESCRIPTION_LIMIT],
            "auto_merge": False,  # deploy exactly this commit, never merge the default branch into it
            "required_contexts": [],  # the app pipeline already gated on its checks before building
            "production_environment": environment == "production",
            "transient_environment": transient,
            "task": task,
        }
        return int(self.call("POST", "deployments", body)["id"])
