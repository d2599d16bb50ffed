"""The inputs of a release, validated before anything uses them: they cross a repository boundary.

A stack (`production` or `staging`), an image (the stack's GHCR repository `@sha256:<64 hex>`), the app
commit and ref (production only from main, staging only from staging) and the app run; every problem is
reported at once, each saying what was expected. It reads the project's files; it calls nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tools.stack_files import read_stack_config

STACK_BRANCHES = {"production": "refs/heads/main", "staging": "refs/heads/staging"}
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
COMMIT = re.compile(r"[0-9a-f]{40}")
RUN_URL = re.compile(
    r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/actions/runs/[0-9]+(/attempts/[0-9]+)?"
)
FIELDS = ("stack", "image", "commit", "app_ref", "app_run_url", "infra_ref")


class InputError(ValueError):
    """One or more release inputs are malformed; nothing was done."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("Refused release inputs:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Release:
    """A validated release request."""

    stack: str
    repository: str  # ghcr.io/<owner>/<app>
    digest: str  # sha256:<64 hex>
    commit: str  # 40 hex
    app_ref: str
    app_run_url: str | None

    @property
    def image(self) -> str:
        return f"{self.repository}@{self.digest}"


def configured_repository(project_dir: Path, stack: str) -> str:
    """The GHCR repository the stack deploys (`cartly-infra:image`), from the project's files."""
    name, config = read_stack_config(project_dir, stack)
    return str(config[f"{name}:image"])


def _show(value: str) -> str:
    # Quoted and cut short: a hostile input is shown as data, never at length.
    return repr(value[:80] + ("…" if len(value) > 80 else ""))


def validate(raw: Mapping[str, str], project_dir: Path) -> Release:
    """A `Release` from untrusted text (keys of FIELDS), or InputError listing every problem."""
    problems: list[str] = []
    stack, image, commit = raw.get("stack", ""), raw.get("image", ""), raw.get("commit", "")
    app_ref, run_url = raw.get("app_ref", ""), raw.get("app_run_url", "")
    if stack not in STACK_BRANCHES:
        problems.append(f"stack {_show(stack)}: expected exactly 'production' or 'staging'")
    repository = configured_repository(project_dir, stack) if stack in STACK_BRANCHES else None
    digest = ""
    if repository is not None:
        name, _, digest = image.partition("@")
        if name != repository or not DIGEST.fullmatch(digest):
            problems.append(
                f"image {_show(image)}: expected exactly {repository}@sha256:<64 lowercase hex> "
                "(the digest the app pipeline's build pushed; a tag or another repository is refused)"
            )
    if not COMMIT.fullmatch(commit):
        problems.append(f"commit {_show(commit)}: expected the app commit's full 40-hex SHA (lowercase)")
    expected_ref = STACK_BRANCHES.get(stack)
    if expected_ref is not None and app_ref != expected_ref:
        problems.append(f"app ref {_show(app_ref)}: a {stack} release comes only from {expected_ref}")
    infra_ref = raw.get("infra_ref", "")
    if expected_ref is not None and infra_ref and infra_ref != expected_ref:
        problems.append(
            f"this repository's ref {_show(infra_ref)}: a {stack} release runs the program of "
            f"{expected_ref} (dispatch the workflow with --ref {expected_ref.rsplit('/', 1)[-1]})"
        )
    if run_url and not RUN_URL.fullmatch(run_url):
        problems.append(
            f"app run URL {_show(run_url)}: expected https://github.com/<owner>/<repo>/actions/runs/<id>"
        )
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        problems.append(f"unknown inputs {', '.join(map(_show, unknown))}: expected only {', '.join(FIELDS)}")
    if problems:
        raise InputError(problems)
    assert repository is not None
    return Release(stack, repository, digest, commit, app_ref, run_url or None)
