"""Where people look at an app preview: the pull request's comment and a transient GitHub Deployment."""

from __future__ import annotations

from typing import Any

from tools.github_rest import DESCRIPTION_LIMIT, GithubRepository

MARKER = "<!-- cartly-app-preview -->"


class PullRequestPlaces(GithubRepository):
    """The app repository's pull requests: one comment each, found by MARKER and edited in place, and a
    Deployment of the head commit to `pr-<N>` marked transient (in progress, then success with the URL or
    failure; every one inactive on destroy)."""

    def refusals(self, pr: int, commit: str | None) -> list[str]:
        """Why GitHub says pull request `pr` may not have this preview (empty: it may): its head must live in
        this repository (never a fork), and to bring one up the pull request must be open at `commit`."""
        found = self.call("GET", f"pulls/{pr}")
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
        return bool(self.call("GET", f"pulls/{pr}").get("state") == "open")

    def comment(self, pr: int, text: str) -> int:
        """Put `text` in the pull request's preview comment (edited in place); the comment's id."""
        body = f"{MARKER}\n{text}"
        mine = [c for c in self.pages(f"issues/{pr}/comments") if MARKER in str(c.get("body"))]
        if mine:
            comment_id = int(mine[0]["id"])
            self.call("PATCH", f"issues/comments/{comment_id}", {"body": body})
            return comment_id
        return int(self.call("POST", f"issues/{pr}/comments", {"body": body})["id"])

    def start_deployment(self, commit: str, environment: str, description: str) -> int:
        """A transient deployment of `commit` to `environment`, marked in progress; its id."""
        deployment_id = self.create_deployment(
            commit=commit,
            environment=environment,
            description=description,
            task="deploy:preview",
            transient=True,
        )
        self.status(deployment_id, "in_progress", description)
        return deployment_id

    def status(self, deployment_id: int, state: str, description: str, url: str | None = None) -> None:
        body: dict[str, Any] = {"state": state, "description": description[:DESCRIPTION_LIMIT]}
        if url:
            body.update(environment_url=url, auto_inactive=True)
        self.call("POST", f"deployments/{deployment_id}/statuses", body)

    def deactivate(self, environment: str, description: str) -> int:
        """Mark every deployment of `environment` inactive; how many there were."""
        deployments = self.pages("deployments", environment=environment)
        for deployment in deployments:
            self.status(int(deployment["id"]), "inactive", description)
        return len(deployments)
