"""Stack settings: the stack's config turned into frozen, validated values before any resource is declared.

Owns the rules (stack names, domains, image references, replicas, regions, secrets present and encrypted) and
the error that lists every broken rule with the command that fixes it. It declares no resource and knows
nothing of Railway's or GitHub's APIs; the key table lives in `components.settings.keys`, the shapes
it builds in `components.settings`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

import pulumi

from components.settings.keys import KEYS, KEYS_BY_NAME, NAMESPACE, default_text, set_command
from components.settings.rules import ConfigError, Problems, parse_array, parse_int
from components.settings.values import (
    SECRET_VARIABLES,
    WEB_PORT,
    WORKER_PORT,
    WORKER_SECRET_VARIABLES,
    GithubSettings,
    ImageSettings,
    Secret,
    ServiceSettings,
    Settings,
    StackKind,
)
from pulumi_railway.toolkit.checks import (  # Railway's facts, one list for both checks
    REGIONS,
    RESTART_POLICIES,
)

_Text = Callable[[str], str]  # reads one key as text, its default when unset

# Every pattern is used with fullmatch: `$` would let a trailing newline through ("staging\n").
_STACK = re.compile(r"production|staging|(?:infra-)?pr-([1-9][0-9]{0,8})")
_DOMAIN = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_REPOSITORY = re.compile(r"ghcr\.io/[a-z0-9][a-z0-9-]{0,38}/[a-z0-9]+([._/-][a-z0-9]+)*")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_GITHUB_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_LOGIN = re.compile(r"[A-Za-z0-9](-?[A-Za-z0-9]){0,38}")
_TEAM = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_STACK_REF = re.compile(r"[^/\s]+/[^/\s]+/[^/\s]+")


def stack_kind(stack: str) -> tuple[StackKind, int | None]:
    """The kind of `stack`, and its PR number for previews. Raises ConfigError for any other name."""
    match = _STACK.fullmatch(stack)
    if match is None:
        raise ConfigError(
            stack,
            (
                f"Unknown stack {stack!r}: cartly-infra deploys only 'production', 'staging', 'pr-<N>' "
                "(an app pull request's preview) and 'infra-pr-<N>' (a preview of this repository's), N a "
                "pull request number. Fix: pulumi stack select staging (or tools/previews.py up --pr <N>)",
            ),
        )
    if match.group(1):
        return "preview", int(match.group(1))
    return ("production" if stack == "production" else "staging"), None


def parse_settings(stack: str, raw: Mapping[str, str], secret_keys: frozenset[str] = frozenset()) -> Settings:
    """Validate `raw` (unqualified key -> config string, as Pulumi stores it) for `stack`.

    `secret_keys` are the unqualified keys stored encrypted. Raises ConfigError listing every problem.
    """
    kind, pr_number = stack_kind(stack)
    p = Problems(stack)
    for name in raw:
        if name not in KEYS_BY_NAME:
            p.add(
                f"{NAMESPACE}:{name}: unknown key (a typo?)",
                f"pulumi config rm {NAMESPACE}:{name} --stack {stack}",
            )

    def text(name: str) -> str:
        value = raw.get(name)
        return value if value not in (None, "") else default_text(KEYS_BY_NAME[name])

    preview = kind == "preview"
    domain = _domain(p, kind, stack, text)
    region, restart = _choices(p, stack, text)
    web_replicas = parse_int(p, KEYS_BY_NAME["webReplicas"], text("webReplicas"), minimum=1)
    worker_replicas = parse_int(p, KEYS_BY_NAME["workerReplicas"], text("workerReplicas"), minimum=1)
    retries = parse_int(p, KEYS_BY_NAME["restartMaxRetries"], text("restartMaxRetries"), minimum=0)
    hc_timeout = parse_int(p, KEYS_BY_NAME["healthcheckTimeout"], text("healthcheckTimeout"), minimum=1)
    deploy_timeout = parse_int(
        p, KEYS_BY_NAME["deployTimeoutSeconds"], text("deployTimeoutSeconds"), minimum=1
    )
    image = _image(p, kind, stack, text)
    github = None if preview else _github(p, kind, stack, text)
    project_id, ref = _references(p, stack, text)
    secrets = {} if preview else _secrets(p, kind, stack, raw, secret_keys)
    pre_deploy = text("preDeployCommand").strip() or None
    p.raise_if_any()
    return Settings(
        stack=stack,
        kind=kind,
        pr_number=pr_number,
        project_name=text("projectName") or f"cartly-{stack}",
        project_id=project_id,
        workspace_id=text("railwayWorkspaceId") or None,
        environment_name=stack if preview else (text("environmentName") or stack),
        domain=domain,
        region=region,
        restart_policy=restart,
        restart_max_retries=retries,
        healthcheck_timeout=hc_timeout,
        deploy_timeout=deploy_timeout,
        node_env=text("nodeEnv"),
        web=ServiceSettings("web", WEB_PORT, web_replicas, pre_deploy, tuple(SECRET_VARIABLES)),
        worker=ServiceSettings("worker", WORKER_PORT, worker_replicas, None, WORKER_SECRET_VARIABLES),
        image=image,
        github=github,
        staging_stack_ref=ref,
        secrets=MappingProxyType(secrets),
    )


def _fail(p: Problems, name: str, what: str, example: str) -> None:
    p.add(f"{NAMESPACE}:{name}: {what}", set_command(KEYS_BY_NAME[name], p.stack, example))


def _domain(p: Problems, kind: StackKind, stack: str, text: _Text) -> str:
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


def _choices(p: Problems, stack: str, text: _Text) -> tuple[str, str]:
    region, restart = text("region"), text("restartPolicy")
    if region not in REGIONS:
        _fail(p, "region", f"unknown region '{region}' (known: {', '.join(REGIONS)})", "us-west2")
    if restart not in RESTART_POLICIES:
        _fail(p, "restartPolicy", f"'{restart}' is not one of {', '.join(RESTART_POLICIES)}", "ON_FAILURE")
    return region, restart


def _references(p: Problems, stack: str, text: _Text) -> tuple[str | None, str]:
    project_id = text("railwayProjectId") or None
    if project_id is not None and not _UUID.fullmatch(project_id):
        _fail(p, "railwayProjectId", f"'{project_id}' is not a Railway project id (a UUID)", "<project-uuid>")
    ref = text("stagingStackRef")
    if not _STACK_REF.fullmatch(ref):
        example = "organization/cartly-infra/staging"
        _fail(p, "stagingStackRef", f"'{ref}' is not <organization>/<project>/<stack>", example)
    return project_id, ref


def _image(p: Problems, kind: StackKind, stack: str, text: _Text) -> ImageSettings:
    repository = text("image")
    if not _REPOSITORY.fullmatch(repository):
        p.add(
            f"{NAMESPACE}:image: '{repository}' is not a GHCR repository like ghcr.io/<owner>/<repo> "
            "(lowercase, no tag or digest: the tag is cartly-infra:imageTag)",
            set_command(KEYS_BY_NAME["image"], stack, "ghcr.io/cartly-app/cartly"),
        )
    default_tag = {"production": "main", "staging": "staging", "preview": stack}[kind]
    tag = text("imageTag") or default_tag
    if not _TAG.fullmatch(tag):
        p.add(
            f"{NAMESPACE}:imageTag: '{tag}' is not a Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})",
            set_command(KEYS_BY_NAME["imageTag"], stack, default_tag),
        )
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
        release,
    )


def _github(p: Problems, kind: StackKind, stack: str, text: _Text) -> GithubSettings:
    repository = text("githubRepository")
    if not _GITHUB_REPO.fullmatch(repository):
        p.add(
            f"{NAMESPACE}:githubRepository: '{repository}' is not a repository name "
            "(just the name: the owner is github:owner)",
            set_command(KEYS_BY_NAME["githubRepository"], stack, "cartly"),
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
        p.add(
            f"{NAMESPACE}:githubReviewers: production deploys need at least one required reviewer "
            f"(githubReviewers or githubReviewerTeams)",
            set_command(KEYS_BY_NAME["githubReviewers"], stack, "<login>"),
        )
    branch = "main" if kind == "production" else "staging"
    infra = text("githubInfraRepository")
    if not _GITHUB_REPO.fullmatch(infra) or infra == repository:
        p.add(
            f"{NAMESPACE}:githubInfraRepository: '{infra}' is not this repository's name (just the name, "
            "and not the app's githubRepository)",
            set_command(KEYS_BY_NAME["githubInfraRepository"], stack, "cartly-infra"),
        )
    return GithubSettings(
        repository, stack, branch, reviewers, teams, checks, infra if kind == "production" else None
    )


def _secrets(
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


def load_settings(stack: str | None = None) -> Settings:
    """Read this stack's config through Pulumi (the CLI or the mocks) and validate it."""
    stack = stack or pulumi.get_stack()
    stack_kind(stack)  # an unknown stack name fails before anything else is read
    config = pulumi.Config(NAMESPACE)
    raw: dict[str, str] = {}
    secret: set[str] = set()
    names = [key.name for key in KEYS] + sorted(_unknown_keys())
    for name in names:
        value = config.get(name)
        if value is not None:
            array = name in KEYS_BY_NAME and KEYS_BY_NAME[name].type == "array"
            raw[name] = json.dumps([value]) if array and not value.startswith("[") else value
            if pulumi.runtime.is_config_secret(f"{NAMESPACE}:{name}"):
                secret.add(name)
    return parse_settings(stack, raw, frozenset(secret))


def _unknown_keys() -> set[str]:
    """Keys of our namespace that the stack sets but the project does not declare (typos, stale keys)."""
    # The CLI passes config in env PULUMI_CONFIG; mocks set it with set_all_config. Read both.
    given = set(pulumi.runtime.config.CONFIG.get()) | set(pulumi.runtime.config.get_config_env())
    prefix = f"{NAMESPACE}:"
    return {key[len(prefix) :] for key in given if key.startswith(prefix)} - set(KEYS_BY_NAME)


__all__ = ["ConfigError", "Secret", "Settings", "load_settings", "parse_settings", "stack_kind"]
