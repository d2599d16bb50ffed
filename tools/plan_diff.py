"""What a change does to each stack's desired state: resources added, removed, replaced and updated.

Owns comparing two offline plans (from `tools/plan_runner.py`) resource by resource — matched on their URN
without the stack prefix, so a renamed or re-parented resource counts as removed plus added — and the
Markdown a PR comment shows. Whether a change replaces a resource is *estimated* from the inputs each type
cannot change in place (the table below: the Railway provider's `replace on` keys, and the GitHub
provider's immutable arguments); the real engine decides, and `pulumi preview` is authoritative. It
deliberately runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MARKER = "<!-- cartly-plan -->"
SECURE = "[secret "  # how tools/plan.py writes a `secure:` config value: "[secret <hash of the ciphertext>]"
RAILWAY = "pulumi-python:dynamic/railway:"
GITHUB = "github:index/"
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


@dataclass
class StackDiff:
    stack: str
    added: list[tuple[str, str]] = field(default_factory=list)  # (type, name)
    removed: list[tuple[str, str]] = field(default_factory=list)
    modified: list[Modified] = field(default_factory=list)
    outputs: list[Change] = field(default_factory=list)
    config: list[Change] = field(default_factory=list)  # stack config, secure values never shown
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
        return not (self.added or self.removed or self.modified or self.outputs or self.config or self.error)


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
    result.added = sorted((after[k]["type"], after[k]["name"]) for k in after.keys() - before.keys())
    result.removed = sorted((before[k]["type"], before[k]["name"]) for k in before.keys() - after.keys())
    for key in sorted(before.keys() & after.keys(), key=lambda k: (after[k]["type"], after[k]["name"])):
        old, new = before[key], after[key]
        changes = _changes(old["inputs"], new["inputs"])
        if changes:
            immutable = REPLACE_ON.get(new["type"], frozenset())
            forced = tuple(c.key for c in changes if c.key in immutable)
            result.modified.append(Modified(new["type"], new["name"], changes, forced))
    result.outputs = list(_changes(base.get("outputs", {}), head.get("outputs", {})))
    result.config = _config_changes(base.get("config", {}), head.get("config", {}))
    return result


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
