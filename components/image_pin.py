"""`ImagePin`: the digest a long-lived stack runs, remembered in Pulumi's state.

Its `check` picks the digest before any Railway resource sees it: a release's `requested` one, else the one
state holds (an infra-only change never changes the app version), else, on a first deploy, the tag's.
Pickled by reference: keep this module path stable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ResourceProvider, UpdateResult

from pulumi_railway.toolkit.checks import is_unknown

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
KEYS = ("repository", "digest")


def choose(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
    """The digest to run: requested, else remembered (same repository), else resolved from the tag."""
    requested = news.get("requested") or ""
    if requested:
        return requested
    remembered = olds.get("digest") or ""
    if remembered and olds.get("repository") == news.get("repository"):
        return remembered
    return news.get("resolved") or ""


class ImagePinProvider(ResourceProvider):
    """Keeps the previous digest unless a release supplies one; local only, no API calls."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        digest = choose(olds or {}, news)
        checked = {**news, "digest": digest}
        if is_unknown(digest):
            return CheckResult(checked, [])
        if not digest:
            tag = news.get("tag") or "?"
            reason = (
                f"no image to run: this stack has never deployed one, and tag '{tag}' of "
                f"{news.get('repository')} does not exist. Fix: push the tag (the app pipeline does), "
                "or release a digest with tools/release.py"
            )
            return CheckResult(checked, [CheckFailure("digest", reason)])
        if not DIGEST.match(str(digest)):
            reason = f"'{digest}' is not a sha256 digest (sha256:<64 hex>)"
            return CheckResult(checked, [CheckFailure("requested", reason)])
        return CheckResult(checked, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in KEYS if is_unknown(news.get(k)) or olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=[], stables=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=str(props["repository"]), outs=_outputs(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=_outputs(news))


def _outputs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {key: props.get(key) for key in ("repository", "tag", "requested", "resolved", "digest")}


class ImagePin(pulumi.dynamic.Resource, module="cartly", name="ImagePin"):
    """The digest this stack runs (`digest`: sha256:...), kept across runs until a release changes it."""

    repository: pulumi.Output[str]
    digest: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        repository: str,
        tag: str,
        requested: str | None,
        resolved: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "repository": repository,
            "tag": tag,
            "requested": requested or "",
            "resolved": resolved,
            # What runs without state (mocks, plans); `check` replaces it with the remembered digest.
            "digest": requested or resolved,
        }
        super().__init__(ImagePinProvider(), resource_name, props, opts)
