"""The rules of a stack's settings, one area at a time: domains, choices, references, image, GitHub, secrets.

Each function reads keys through `text` (the value as text, its default when unset), adds a problem per broken
rule (naming the key and the command that fixes it) and returns what it validated; `components.settings.load`
calls them and builds `Settings`. Nothing here reads config or files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from components.settings.keys import KEYS, KEYS_BY_NAME, NAMESPACE, set_command
from components.settings.rules import Problems, parse_array
from components.settings.values import GithubSettings, ImageSettings, Secret, StackKind
from pulumi_railway.toolkit.checks import (  # Railway's facts and rules, one copy for both checks
    REGIONS,
    RESTART_POLICIES,
    check_name,
)

Text = Callable[[str], str]  # reads one key as text, its default when unset

# Every pattern is used with fullmatch: `$` would let a trailing newline through ("staging\n").
_DOMAIN = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_REPOSITORY = re.compile(r"ghcr\.io/[a-z0-9][a-z0-9-]{0,38}/[a-z0-9]+([._/-][a-z0-9]+)*")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_GITHUB_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_LOGIN = re.compile(r"[A-Za-z0-9](-?[A-Za-z0-9]){0,38}")
_TEAM = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STACK_REF = re.compile(r"[^/\s]+/[^/\s]+/[^/\s]+")


def _fail(p: Problems, name: str, what: str, example: str) -> None:
    p.add(f"{NAMESPACE}:{name}: {what}", set_command(KEYS_BY_NAME[name], p.stack, example))


def domain(p: Problems, kind: StackKind, stack: str, text: Text) -> str:
    if kind == "preview":
        domain = f"{stack}.{text('previewDomain')}"
        if not _DOMAIN.fullmatch(domain):
            _fail(p, "previewDomain", f"'{text('previewDomain')}' is not a lowercase DNS name", "cartly.io")
        return domain
    domain = text("domain")
    if not _DOMAIN.fullmatch(domain):
        what = "is not set" if not domain else f"'{domain}' is not a lowercase DNS name like app.cartly.io"
        _fail(p, "domain", what, "app.cartly.io" if kind == "production" else "staging.cartly.io")
    return domain


def choices(p: Problems, stack: str, text: Text) -> tuple[str, str]:
    region, restart = text("region"), text("restartPolicy")
    if region not in REGIONS:
        _fail(p, "region", f"unknown region '{region}' (known: {', '.join(REGIONS)})", "us-west2")
    if restart not in RESTART_POLICIES:
        _fail(p, "restartPolicy", f"'{restart}' is not one of {', '.join(RESTART_POLICIES)}", "ON_FAILURE")
    return region, restart


def references(p: Problems, stack: str, text: Text) -> tuple[str | None, str]:
    project_id = text("railwayProjectId") or None
    if project_id is not None and not _UUID.fullmatch(project_id):
        _fail(p, "railwayProjectId", f"'{project_id}' is not a Railway project id (a UUID)", "<project-uuid>")
    ref = text("stagingStackRef")
    if not _STACK_REF.fullmatch(ref):
        example = "organization/cartly-infra/staging"
        _fail(p, "stagingStackRef", f"'{ref}' is not <organization>/<project>/<stack>", example)
    return project_id, ref


def image(p: Problems, kind: StackKind, stack: str, text: Text) -> ImageSettings:
    repository = text("image")
    if not _REPOSITORY.fullmatch(repository):
        _fail(
            p,
            "image",
            f"'{repository}' is not a GHCR repository like ghcr.io/<owner>/<repo> "
            "(lowercase, no tag or digest: the tag is cartly-infra:imageTag)",
            "ghcr.io/cartly-app/cartly",
        )
    # App previews default to the app's pr-<N> tag; previews of this repository run staging's image.
    preview_tag = stack if stack.startswith("pr-") else "staging"
    default_tag = {"production": "main", "staging": "staging", "preview": preview_tag}[kind]
    tag = text("imageTag") or default_tag
    if not _TAG.fullmatch(tag):
        _fail(
            p, "imageTag", f"'{tag}' is not a Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})", default_tag
        )
    digest = text("imageDigest") or None
    if digest is not None and not _DIGEST.fullmatch(digest):
        _fail(p, "imageDigest", f"'{digest}' is not sha256: and 64 lowercase hex digits", "sha256:<64 hex>")
    release = text("releaseDigest") or None
    if release is not None and not _DIGEST.fullmatch(release):
        p.add(
            f"{NAMESPACE}:releaseDigest: '{release}' is not a digest (sha256:<64 lowercase hex>); "
            "tools/release.py sets it for one run",
            f"pulumi config rm {NAMESPACE}:releaseDigest --stack {stack}",
        )
    return ImageSettings(
        repository,
        tag,
        text("imageBuildContext") or None,
        text("imageDockerfile"),
        text("ghcrUsername"),
        digest,
        release,
    )


def timeouts(p: Problems, healthcheck: int, deploy: int) -> tuple[int, int]:
    """Railway's health check must give up before the deploy timeout rolls the deploy back."""
    if healthcheck >= deploy:
        _fail(
            p,
            "healthcheckTimeout",
            f"{healthcheck} s is not shorter than {NAMESPACE}:deployTimeoutSeconds ({deploy} s): the deploy "
            "would be rolled back before Railway's health check ends",
            str(max(1, min(300, deploy // 2))),
        )
    return healthcheck, deploy


def environment_name(p: Problems, stack: str, text: Text) -> str:
    """A long-lived stack's environment: a name Railway accepts (the provider's own rule)."""
    name = text("environmentName") or stack
    for failed in check_name({"environmentName": name}, "environmentName"):
        reason = failed.reason.removeprefix("environmentName ")
        _fail(p, "environmentName", f"'{name}' is not an environment name: it {reason}", stack)
    return name


def github(p: Problems, kind: StackKind, stack: str, text: Text, owner: str) -> GithubSettings:
    if not _LOGIN.fullmatch(owner):
        what = "is not set" if not owner else f"'{owner}' is not a GitHub organisation or user"
        p.add(
            f"github:owner: {what} (without it the GitHub provider wires the token's own account, not "
            "Cartly's organisation)",
            f"pulumi config set github:owner cartly-app --stack {stack}",
        )
    repository = text("githubRepository")
    if not _GITHUB_REPO.fullmatch(repository):
        _fail(
            p,
            "githubRepository",
            f"'{repository}' is not a repository name (just the name: the owner is github:owner)",
            "cartly",
        )
    reviewers = parse_array(
        p, KEYS_BY_NAME["githubReviewers"], text("githubReviewers"), _LOGIN, "a GitHub login"
    )
    teams = parse_array(
        p, KEYS_BY_NAME["githubReviewerTeams"], text("githubReviewerTeams"), _TEAM, "a team slug"
    )
    checks = parse_array(
        p, KEYS_BY_NAME["requiredStatusChecks"], text("requiredStatusChecks"), None, "a check name"
    )
    if kind == "production" and not reviewers and not teams:
        _fail(
            p,
            "githubReviewers",
            "production deploys need at least one required reviewer (githubReviewers or githubReviewerTeams)",
            "<login>",
        )
    branch = "main" if kind == "production" else "staging"
    infra = text("githubInfraRepository")
    if not _GITHUB_REPO.fullmatch(infra) or infra == repository:
        _fail(
            p,
            "githubInfraRepository",
            f"'{infra}' is not this repository's name (just the name, and not the app's githubRepository)",
            "cartly-infra",
        )
    return GithubSettings(
        repository, stack, branch, reviewers, teams, checks, infra if kind == "production" else None
    )


def secrets(
    p: Problems, kind: StackKind, stack: str, raw: Mapping[str, str], secret_keys: frozenset[str]
) -> dict[str, Secret]:
    found: dict[str, Secret] = {}
    for key in KEYS:
        if not key.secret:
            continue
        value = raw.get(key.name) or ""
        needed = key.required_in in ("long-lived", "github") or (
            key.required_in == "production" and kind == "production"
        )
        if value and key.name not in secret_keys:
            p.add(
                f"{key.qualified}: is stored in plain text in Pulumi.{stack}.yaml; set it encrypted instead",
                set_command(key, stack),
            )
        elif value:
            found[key.name] = Secret(value)
        elif needed:
            p.add(f"{key.qualified}: missing secret ({key.description.rstrip('.')})", set_command(key, stack))
    return found
