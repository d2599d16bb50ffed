"""The inputs of an app preview's dispatch, validated before anything uses them: they cross a repository
boundary (the app repository's pipeline asks, cartly-infra acts with its own credentials). A fork's pull
request never gets a preview; every problem is reported at once. It reads the project's files, calls nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tools.stack_files import read_stack_config

PR = re.compile(r"[1-9][0-9]{0,8}")  # [0-9], not \d: \d also matches other scripts' digits
COMMIT = re.compile(r"[0-9a-f]{40}")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
UP_FIELDS = ("pr", "head_commit", "image", "head_repository")
DOWN_FIELDS = ("pr", "head_repository")


class InputError(ValueError):
    """One or more app-preview inputs are malformed or not allowed; nothing was done."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("Refused app preview inputs:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class AppPreview:
    """A validated request for stack pr-<N>."""

    pr: int
    app_repository: str  # owner/name on GitHub
    commit: str = ""  # 40 hex; empty for a destroy
    repository: str = ""  # ghcr.io/<owner>/<app>
    digest: str = ""  # sha256:<64 hex>

    @property
    def stack(self) -> str:
        return f"pr-{self.pr}"

    @property
    def image(self) -> str:
        return f"{self.repository}@{self.digest}"


def app_settings(project_dir: Path) -> tuple[str, str]:
    """(app repository owner/name, GHCR repository) as staging's stack configures them."""
    name, config = read_stack_config(project_dir, "staging")
    return f"{config['github:owner']}/{config[f'{name}:githubRepository']}", str(config[f"{name}:image"])


def _show(value: str) -> str:
    # Quoted and cut short: a hostile input is shown as data, never at length.
    return repr(value[:80] + ("…" if len(value) > 80 else ""))


def validate(raw: Mapping[str, str], project_dir: Path, *, destroy: bool = False) -> AppPreview:
    """An `AppPreview` from untrusted text (keys of UP_FIELDS, or DOWN_FIELDS to destroy), or InputError."""
    fields = DOWN_FIELDS if destroy else UP_FIELDS
    app_repository, repository = app_settings(project_dir)
    problems: list[str] = []
    pr = raw.get("pr", "")
    if not PR.fullmatch(pr):
        problems.append(
            f"pull request {_show(pr)}: expected a positive whole number of at most 9 digits (0-9)"
        )
    head = raw.get("head_repository", "")
    if head.lower() != app_repository.lower():
        problems.append(
            f"head repository {_show(head)}: only pull requests from branches of {app_repository} get a "
            "preview (a fork's never does)"
        )
    commit, image = raw.get("head_commit", ""), raw.get("image", "")
    name, _, digest = image.partition("@")
    if not destroy and not COMMIT.fullmatch(commit):
        problems.append(f"head commit {_show(commit)}: expected the full 40-hex SHA (lowercase)")
    if not destroy and (name != repository or not DIGEST.fullmatch(digest)):
        problems.append(
            f"image {_show(image)}: expected exactly {repository}@sha256:<64 lowercase hex> "
            "(the digest the app pipeline pushed; a tag or another repository is refused)"
        )
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        problems.append(f"unknown inputs {', '.join(map(_show, unknown))}: expected only {', '.join(fields)}")
    if problems:
        raise InputError(problems)
    if destroy:
        return AppPreview(int(pr), app_repository)
    return AppPreview(int(pr), app_repository, commit, repository, digest)
