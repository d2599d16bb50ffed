"""Stack settings: the stack's config turned into frozen, validated values before any resource is declared.

The stack-wide rules (stack names, unknown keys and namespaces, empty values, a preview's stack file) and
building `Settings`; each area's rules live in `components.settings.stack_rules`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pulumi

from components.settings import stack_rules as rules
from components.settings.checks import parse_checks
from components.settings.files import Secure, read_stack_config, stack_file_name
from components.settings.keys import DRIVER_KEYS, KEYS, KEYS_BY_NAME, NAMESPACE, default_text, set_command
from components.settings.rules import ConfigError, Problems, parse_int
from components.settings.values import (
    SECRET_VARIABLES,
    WEB_PORT,
    WORKER_PORT,
    WORKER_SECRET_VARIABLES,
    AppPreviewSettings,
    DeployPacing,
    Secret,
    ServiceSettings,
    Settings,
    StackKind,
)

# Every pattern is used with fullmatch: `$` would let a trailing newline through ("staging\n").
_STACK = re.compile(r"production|staging|(?:infra-)?pr-([1-9][0-9]{0,8})")
# Namespaces a stack may set besides ours: the providers the program uses, and Pulumi's own.
OTHER_NAMESPACES = ("github", "docker", "pulumi")


@dataclass(frozen=True)
class Origin:
    """Where a stack's values came from, and the config it sets outside our namespace.

    `where`: namespaced key -> "Pulumi.<stack>.yaml:<line>" (or Pulumi.yaml's line of a default);
    `stack_file`: where a missing value belongs; `other`: namespaced key -> text, for every other namespace.
    """

    where: Mapping[str, str] = field(default_factory=dict)
    stack_file: str = ""
    other: Mapping[str, str] = field(default_factory=dict)


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


def parse_settings(
    stack: str,
    raw: Mapping[str, str],
    secret_keys: frozenset[str] = frozenset(),
    origin: Origin | None = None,
) -> Settings:
    """Validate `raw` (unqualified key -> config string, as Pulumi stores it) for `stack`.

    `secret_keys` are the unqualified keys stored encrypted. Raises ConfigError listing every problem, each
    placed at the file and line `origin` gives for its key.
    """
    kind, pr_number = stack_kind(stack)
    origin = origin or Origin()
    p = Problems(stack, origin.where, origin.stack_file)
    _stack_wide(p, kind, raw, origin)

    def text(name: str) -> str:
        value = raw.get(name)
        return value if value not in (None, "") else default_text(KEYS_BY_NAME[name])

    def number(name: str) -> int:
        return parse_int(p, KEYS_BY_NAME[name], text(name))

    preview = kind == "preview"
    domain = rules.domain(p, kind, stack, text)
    region, restart = rules.choices(p, stack, text)
    web, worker = number("webReplicas"), number("workerReplicas")
    retries = number("restartMaxRetries")
    hc_timeout, deploy_timeout = rules.timeouts(
        p, number("healthcheckTimeout"), number("deployTimeoutSeconds")
    )
    image = rules.image(p, kind, stack, text)
    github = None if preview else rules.github(p, kind, stack, text, origin.other.get("github:owner", ""))
    project_id, ref = rules.references(p, stack, text)
    environment = stack if preview else rules.environment_name(p, stack, text)
    secrets = {} if preview else rules.secrets(p, kind, stack, raw, secret_keys)
    pre_deploy = text("preDeployCommand").strip() or None
    checks = parse_checks(p, kind, text, secrets, deploy_timeout)
    seed = text("previewSeedCommand").strip() or None
    app_preview = AppPreviewSettings(seed) if stack.startswith("pr-") else None  # an app PR's preview
    p.raise_if_any()
    return Settings(
        stack=stack,
        kind=kind,
        pr_number=pr_number,
        project_name=text("projectName") or f"cartly-{stack}",
        project_id=project_id,
        workspace_id=text("railwayWorkspaceId") or None,
        environment_name=environment,
        domain=domain,
        region=region,
        restart_policy=restart,
        restart_max_retries=retries,
        healthcheck_timeout=hc_timeout,
        deploy_timeout=deploy_timeout,
        pacing=DeployPacing(
            number("deployPollSeconds"), number("healthGateIntervalSeconds"), number("healthGateGraceSeconds")
        ),
        node_env=text("nodeEnv"),
        web=ServiceSettings("web", WEB_PORT, web, pre_deploy, tuple(SECRET_VARIABLES)),
        worker=ServiceSettings("worker", WORKER_PORT, worker, None, WORKER_SECRET_VARIABLES),
        image=image,
        github=github,
        staging_stack_ref=ref,
        secrets=MappingProxyType(secrets),
        checks=checks,
        app_preview=app_preview,
    )


def _stack_wide(p: Problems, kind: StackKind, raw: Mapping[str, str], origin: Origin) -> None:
    """Unknown keys and namespaces, explicitly empty values, settings a preview's stack file may not hold."""
    stack = p.stack
    for name, value in raw.items():
        key = KEYS_BY_NAME.get(name)
        if key is None:
            p.add(
                f"{NAMESPACE}:{name}: unknown key (a typo?)",
                f"pulumi config rm {NAMESPACE}:{name} --stack {stack}",
            )
        elif value == "" and key.type == "string" and default_text(key):
            fix = set_command(key, stack, default_text(key))
            if kind != "preview":
                fix = f"pulumi config rm {key.qualified} --stack {stack} (to run with the default)"
            p.add(
                f"{key.qualified}: is set to '' (empty does not mean the default '{default_text(key)}')", fix
            )
        elif kind == "preview" and name not in DRIVER_KEYS and _in_file(origin, key.qualified, stack):
            p.add(
                f"{key.qualified}: a preview stack takes only {NAMESPACE}:imageTag (and an app preview's "
                "imageDigest) from its stack file (the preview driver writes them); every other setting "
                "comes from Pulumi.yaml's defaults",
                f"pulumi config rm {key.qualified} --stack {stack} "
                "(change the default in Pulumi.yaml instead)",
            )
    for qualified in sorted(origin.other):
        namespace, _, name = qualified.partition(":")
        if namespace in OTHER_NAMESPACES:
            continue
        fix = f"pulumi config rm {qualified} --stack {stack}"
        hint = ""
        if difflib.get_close_matches(namespace, [NAMESPACE], n=1):
            hint = f" (a typo of {NAMESPACE}?)"
            fix += f" && pulumi config set {NAMESPACE}:{name} <value> --stack {stack}"
        p.add(f"{qualified}: unknown namespace '{namespace}'{hint}: cartly-infra ignores it", fix)


def _in_file(origin: Origin, qualified: str, stack: str) -> bool:
    return origin.where.get(qualified, "").startswith(f"{stack_file_name(stack)}:")


def load_settings(stack: str | None = None, project_dir: Path | None = None) -> Settings:
    """Read this stack's config through Pulumi (the CLI or the mocks) and validate it; the project files in
    `project_dir` (default: the working directory, where Pulumi runs a program) say where each value is."""
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
    return parse_settings(stack, raw, frozenset(secret), _origin(stack, raw, project_dir or Path.cwd()))


def _origin(stack: str, raw: Mapping[str, str], project_dir: Path) -> Origin:
    """Where each value the program got is written in the project's files (a value that differs from the
    file's, e.g. set by the Automation API, is placed nowhere rather than at a wrong line)."""
    given = _given_config()
    other = {k: v for k, v in given.items() if not k.startswith(f"{NAMESPACE}:")}
    if not (project_dir / "Pulumi.yaml").exists():
        return Origin(other=other)
    files = read_stack_config(project_dir, stack)  # a malformed file is refused here, naming its line
    where: dict[str, str] = {}
    for key, line in files.where.items():
        value = files.values.get(key)
        name = key.removeprefix(f"{NAMESPACE}:")
        given_text = raw.get(name) if key.startswith(f"{NAMESPACE}:") else other.get(key)
        if isinstance(value, Secure) or _text(value) == given_text:
            where[key] = line
    return Origin(where, files.stack_file if files.stack_file_exists else "Pulumi.yaml", other)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _given_config() -> dict[str, str]:
    """Every config value the program was given, namespaced. The CLI passes config in env PULUMI_CONFIG;
    mocks set it with set_all_config. Read both."""
    given = dict(pulumi.runtime.config.get_config_env())
    given.update(pulumi.runtime.config.CONFIG.get())
    return {k: str(v) for k, v in given.items()}


def _unknown_keys() -> set[str]:
    """Keys of our namespace that the stack sets but the project does not declare (typos, stale keys)."""
    given = set(_given_config())
    prefix = f"{NAMESPACE}:"
    return {key[len(prefix) :] for key in given if key.startswith(prefix)} - set(KEYS_BY_NAME)


__all__ = ["ConfigError", "Origin", "Secret", "Settings", "load_settings", "parse_settings", "stack_kind"]
