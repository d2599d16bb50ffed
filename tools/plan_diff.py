"""What a change does to each stack's desired state: resources added, removed, replaced and updated.

Owns comparing two offline plans (from `tools/plan_runner.py`) resource by resource — matched on their URN
without the stack prefix, so a renamed or re-parented resource counts as removed plus added — and the
Markdown a PR comment shows. Whether a change replaces a resource is *estimated* from the inputs each type
cannot change in place (the table below: the Railway provider's `replace on` keys, and the GitHub
provider's immutable arguments); the real engine decides, and `pulumi preview` is authoritative. It
deliberately runs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MARKER = "<!-- cartly-plan -->"
SECURE = "[secret "  # how tools/plan.py writes a `secure:` config value: "[secret <hash of the ciphertext>]"
RAILWAY = "pulumi-python:dynamic/railway:"
GITHUB = "github:index/"
DEPLOYMENT = RAILWAY + "Deployment"
REPLACE_ON: dict[str, frozenset[str]] = {
    RAILWAY + "Project": frozenset({"workspace_id", "project_id"}),
    RAILWAY + "Environment": frozenset({"project_id", "name", "source_environment_id", "ephemeral"}),
    RAILWAY + "Service": frozenset({"project_id"}),
    RAILWAY + "ServiceInstance": frozenset({"service_id", "environment_id"}),
    RAILWAY + "Variables": frozenset({"project_id", "environment_id", "service_id"}),
    RAILWAY + "CustomDomain": frozenset({"project_id", "environment_id", "service_id", "domain"}),
    RAILWAY + "ServiceDomain": frozenset({"environment_id", "service_id"}),
    RAILWAY + "ProjectToken": frozenset({"project_id", "environment_id", "name"}),
    GITHUB + "actionsSecret:ActionsSecret": frozenset({"repository", "secretName"}),
    GITHUB + "actionsVariable:ActionsVariable": frozenset({"repository", "variableName"}),
    GITHUB + "actionsEnvironmentSecret:ActionsEnvironmentSecret": frozenset(
        {"repository", "environment", "secretName"}
    ),
    GITHUB + "actionsEnvironmentVariable:ActionsEnvironmentVariable": frozenset(
        {"repository", "environment", "variableName"}
    ),
    GITHUB + "repositoryEnvironment:RepositoryEnvironment": frozenset({"repository", "environment"}),
    GITHUB + "repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": frozenset(
        {"repository", "environment"}
    ),
    GITHUB + "branchProtection:BranchProtection": frozenset({"repositoryId"}),
}
# Inputs a type reads only when it creates (the Railway provider's Service: the per-environment image and
# variables belong to ServiceInstance and Variables afterwards): a change to them changes nothing live.
CREATE_ONLY: dict[str, frozenset[str]] = {
    RAILWAY + "Service": frozenset({"image", "variables", "environment_id", "adopt"}),
}
PROJECT = RAILWAY + "Project"
# What a Deployment's revision hashes, resource by resource: a change to one of these redeploys its service.
DEPLOYS_ON = (RAILWAY + "ServiceInstance", RAILWAY + "Variables")
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Change:
    key: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Modified:
    type: str
    name: str
    changes: tuple[Change, ...]
    replaced_by: tuple[str, ...]  # the changed inputs that force a replacement (estimated)


@dataclass(frozen=True)
class Redeploy:
    name: str  # the Deployment
    because: tuple[str, ...]  # what changes, in words


@dataclass
class StackDiff:
    stack: str
    added: list[tuple[str, str]] = field(default_factory=list)  # (type, name)
    removed: list[tuple[str, str]] = field(default_factory=list)
    modified: list[Modified] = field(default_factory=list)
    outputs: list[Change] = field(default_factory=list)
    config: list[Change] = field(default_factory=list)  # stack config, secure values never shown
    adopted: list[tuple[str, str]] = field(default_factory=list)  # (project resource, the adopted id)
    redeploys: list[Redeploy] = field(default_factory=list)
    error: str | None = None  # the program fails on this change: no diff
    note: str | None = None  # the base revision had no plan: everything counts as added

    @property
    def replaced(self) -> list[Modified]:
        return [m for m in self.modified if m.replaced_by]

    @property
    def updated(self) -> list[Modified]:
        return [m for m in self.modified if not m.replaced_by]

    @property
    def empty(self) -> bool:
        changed = self.added or self.removed or self.modified or self.outputs or self.config or self.adopted
        return not (changed or self.redeploys or self.error)


def diff_plans(stack: str, base: dict[str, Any], head: dict[str, Any]) -> StackDiff:
    result = StackDiff(stack)
    if head.get("error"):
        result.error = f"the program fails on this change: {head['error']}"
        return result
    if base.get("error"):
        result.note = f"the program fails on the base revision ({base['error']}): all of it counts as added"
        base = {"resources": [], "outputs": {}, "config": head.get("config", {})}
    after = {r["key"]: r for r in head["resources"]}
    moved = moved_keys(head["resources"])  # old key -> new key, from the program's aliases
    before = {moved.get(r["key"], r["key"]): r for r in base["resources"]}
    result.adopted, base = _adoptions(before, after, base)
    before = {moved.get(r["key"], r["key"]): r for r in base["resources"]}
    result.added = sorted((after[k]["type"], after[k]["name"]) for k in after.keys() - before.keys())
    result.removed = sorted((before[k]["type"], before[k]["name"]) for k in before.keys() - after.keys())
    for key in sorted(before.keys() & after.keys(), key=lambda k: (after[k]["type"], after[k]["name"])):
        old, new = before[key], after[key]
        skip = CREATE_ONLY.get(new["type"], frozenset()) | (
            {"project_id"} if new["type"] == PROJECT else set()
        )
        changes = tuple(c for c in _changes(old["inputs"], new["inputs"]) if c.key not in skip)
        if new["type"] not in CREATE_ONLY:  # a created service's variables are Variables' business
            changes += _masked_changes(old, new)
        if any(name == new["name"] for name, _id in result.adopted):
            continue  # an adopted project's own inputs change by adopting: shown as the adoption
        if changes:
            immutable = REPLACE_ON.get(new["type"], frozenset())
            forced = tuple(c.key for c in changes if c.key in immutable)
            result.modified.append(Modified(new["type"], new["name"], changes, forced))
    result.redeploys = _redeploys(after, result)
    result.outputs = list(_changes(base.get("outputs", {}), head.get("outputs", {})))
    result.config = _config_changes(base.get("config", {}), head.get("config", {}))
    return result


def _adoptions(
    before: dict[str, Any], after: dict[str, Any], base: dict[str, Any]
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Projects that now adopt an existing Railway project (`project_id` set), and the base plan with their
    id in place of `(<project>.project_id)`: the id was unknown before and is given now, which changes
    nothing downstream (adoption recreates nothing)."""
    adopted: list[tuple[str, str]] = []
    text = json.dumps(base)
    for key, new in after.items():
        old = before.get(key)
        project_id = new["inputs"].get("project_id")
        if new["type"] == PROJECT and old and project_id and not old["inputs"].get("project_id"):
            adopted.append((new["name"], str(project_id)))
            text = text.replace(json.dumps(f"({new['name']}.project_id)"), json.dumps(project_id))
    return adopted, json.loads(text) if adopted else base


def _masked_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[Change, ...]:
    """What changed behind a mask: each rotated secret by key, else each masked input whose contents changed
    (a plain value beside the secrets, such as APP_URL in the variables)."""
    secrets = _secret_changes(old.get("secrets", {}), new.get("secrets", {}))
    if secrets:
        return secrets
    before, after = old.get("masked", {}), new.get("masked", {})
    return tuple(
        Change(key, "[secret]", "[secret, contents changed]")
        for key in sorted(before.keys() & after.keys())
        if before[key] != after[key]
    )


def _secret_changes(old: dict[str, str], new: dict[str, str]) -> tuple[Change, ...]:
    """The secrets a resource holds whose ciphertext changed (a rotation), by key: never a value."""
    return tuple(
        Change(f"secret {key}", "[secret]", "[secret, re-encrypted]" if key in new else None)
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    )


def _redeploys(after: dict[str, Any], result: StackDiff) -> list[Redeploy]:
    """The Deployments that redeploy, each with why: its revision hashes its service's settings and
    variables, so a change to either (or a rotated secret in them) redeploys that service. A Deployment whose
    only change is the revision is a redeploy, not an update."""
    found = []
    for deployment in sorted((r for r in after.values() if r["type"] == DEPLOYMENT), key=lambda r: r["name"]):
        service = deployment["inputs"].get("service_id")
        because = [
            f"`{m.name}` changes {', '.join(f'`{c.key}`' for c in m.changes)}"
            for m in result.modified
            if m.type in DEPLOYS_ON and _service_of(after, m) == service
        ]
        own = next(
            (m for m in result.modified if m.type == DEPLOYMENT and m.name == deployment["name"]), None
        )
        if own and any(c.key == "revision" for c in own.changes) and not because:
            because.append("its revision changes (the image digest, settings or variables)")
        if because:
            found.append(Redeploy(deployment["name"], tuple(because)))
        if own and all(c.key == "revision" for c in own.changes):
            result.modified.remove(own)
    return found


def _service_of(after: dict[str, Any], item: Modified) -> Any:
    return next((r["inputs"].get("service_id") for r in after.values() if r["name"] == item.name), None)


def _config_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Changed config keys; a secure value shows as `[secret]` (re-encrypted: it changed)."""
    found = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if _secure(before) and _secure(after):
            before, after = "[secret]", "[secret, re-encrypted]"
        found.append(
            Change(key, "[secret]" if _secure(before) else before, "[secret]" if _secure(after) else after)
        )
    return found


def _secure(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SECURE)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[Change, ...]:
    keys = sorted(old.keys() | new.keys())
    return tuple(Change(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k))


def moved_keys(resources: list[dict[str, Any]]) -> dict[str, str]:
    """{old key: new key} for every resource whose aliases (its own, or its parents') name an old place.

    A key is a URN without its `urn:pulumi:<stack>::<project>::` prefix, `<parent type>$<type>::<name>`, as
    Pulumi's mock monitor builds it (the parent's own type only, not its whole chain).
    """
    by_key = {r["key"]: r for r in resources}
    memo: dict[str, list[str]] = {}

    def old_keys(key: str) -> list[str]:
        if key not in memo:
            memo[key] = []
            r = by_key.get(key)
            if r is not None:
                memo[key] = _old_keys(r, old_keys)
        return memo[key]

    return {old: r["key"] for r in resources for old in old_keys(r["key"]) if old not in by_key}


def _old_keys(r: dict[str, Any], parent_aliases: Any) -> list[str]:
    places = [(r.get("parent") or "", r["type"], r["name"])]
    for spec in r.get("aliases", []):
        parent = "" if spec.get("noParent") else spec.get("parentUrn") or r.get("parent") or ""
        places.append((parent, spec.get("type", r["type"]), spec.get("name", r["name"])))
    keys = {_key(p, typ, name) for parent, typ, name in places for p in (parent, *parent_aliases(parent))}
    keys.discard(r["key"])
    return sorted(keys)


def _key(parent: str, typ: str, name: str) -> str:
    if not parent:
        return f"{typ}::{name}"
    return f"{parent.split('::')[0].split('$')[-1]}${typ}::{name}"
