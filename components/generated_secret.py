"""A random secret generated once and kept in state: the per-preview database and Redis passwords, JWT key.

`GeneratedSecret` makes `secrets.token_urlsafe(length)` at create (URL-safe, so it fits a connection URL),
keeps it as a secret output and replaces it only when `length` or `keepers` change. pulumi-random would do
the same, but its plugin is a binary fetched from GitHub on first use, which CI offline cannot.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider

MIN_BYTES = 16  # 128 bits
INPUT_KEYS = ("length", "keepers")


@dataclass(frozen=True, kw_only=True)
class GeneratedSecretArgs:
    length: int = 32
    """Random bytes (the text is about 4/3 as long)."""
    keepers: pulumi.Input[Mapping[str, str]] = field(default_factory=dict)
    """Values whose change makes a new secret (e.g. the environment it belongs to)."""


class GeneratedSecretProvider(ResourceProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        length = news.get("length")
        failures = []
        if not isinstance(length, int | float) or int(length) != length or length < MIN_BYTES:
            failures.append(CheckFailure("length", f"length must be a whole number >= {MIN_BYTES}"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in INPUT_KEYS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, stables=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        value = secrets.token_urlsafe(int(props["length"]))
        return CreateResult(secrets.token_hex(8), {**_inputs(props), "value": value})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, dict(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: the value lives only in the stack's state."""


def _inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {"length": int(props["length"]), "keepers": dict(props.get("keepers") or {})}


class GeneratedSecret(pulumi.dynamic.Resource, module="cartly", name="GeneratedSecret"):
    """A random URL-safe secret, made once; `value` is a secret output."""

    length: pulumi.Output[int]
    keepers: pulumi.Output[Mapping[str, str]]
    value: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: GeneratedSecretArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {"length": args.length, "keepers": args.keepers, "value": None}
        secret = pulumi.ResourceOptions(additional_secret_outputs=["value"])
        super().__init__(
            GeneratedSecretProvider(), resource_name, props, pulumi.ResourceOptions.merge(opts, secret)
        )
