"""What an offline plan cannot show, and how it shows it instead: secrets (masked; each `secure:`
value reaches the program as a stand-in naming its key and hashing its ciphertext) and values only a
provider knows (digests, GitHub ids), which the mocks invent and the plan labels.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime import rpc

MASK = "[secret]"
# What stands in for a `secure:` value: its key and a hash of its ciphertext, never a value. A resource
# records the stand-ins its secret inputs hold (`secrets`), so a rotation shows on the resources it reaches.
STAND_IN = re.compile(r"\[secret ([^\s\]]+) ([0-9a-f]{12})\]")
# What providers compute and an offline run cannot know: the fake the mocks answer with is shown as this
# label wherever it lands (an invoke's result, or a resource's computed output).
Label = Callable[[dict[str, Any]], str]
INVOKE_UNKNOWNS: dict[str, tuple[str, Label]] = {
    "docker:index/getRegistryImage:getRegistryImage": (
        "sha256Digest",
        lambda a: f"digest of {a.get('name')}, resolved at deploy",
    ),
    "github:index/getUser:getUser": (
        "id",
        lambda a: f"id of GitHub user {a.get('username')}, looked up at deploy",
    ),
    "github:index/getTeam:getTeam": (
        "id",
        lambda a: f"id of GitHub team {a.get('slug')}, looked up at deploy",
    ),
}
RESOURCE_UNKNOWNS: dict[str, tuple[str, Label]] = {
    "docker:index/image:Image": (
        "repoDigest",
        lambda a: f"digest of the image built from {(a.get('build') or {}).get('context')} at deploy",
    ),
}
SECRET_SIG = rpc._special_sig_key
SECRET_VALUE = rpc._special_secret_sig


FAKES: dict[str, str] = {}  # a value the mocks invented -> what it stands for


def masked(value: Any, used: dict[str, str] | None = None, dropped: tuple[str, ...] = ()) -> Any:
    """A deserialized property with every secret replaced by the mask (the stand-ins it holds go to `used`)
    and every invented value by its label, keys sorted."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == SECRET_VALUE:
            if used is not None:
                used.update(STAND_IN.findall(json.dumps(value.get("value"), default=str)))
            return MASK
        return {k: masked(v, used, dropped) for k, v in sorted(value.items()) if k not in dropped}
    if isinstance(value, list):
        return [masked(v, used, dropped) for v in value]
    if isinstance(value, pulumi.Resource | pulumi.Output):
        return "(reference)"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # protobuf carries every number as a double: 3000.0 was 3000
    if isinstance(value, int | str) and str(value) in FAKES:
        return FAKES[str(value)]
    if isinstance(value, str):
        for fake, label in FAKES.items():
            value = value.replace(fake, label)
    return value


def masked_digests(inputs: dict[str, Any]) -> dict[str, str]:
    """A short hash of each top-level input that is masked: offline it holds only stand-ins and plain values
    (NODE_ENV, APP_URL…), so its hash changes exactly when something inside changes, and reveals nothing."""
    return {
        key: hashlib.sha256(json.dumps(value.get("value"), sort_keys=True, default=str).encode()).hexdigest()[
            :12
        ]
        for key, value in sorted(inputs.items())
        if isinstance(value, dict) and value.get(SECRET_SIG) == SECRET_VALUE
    }


def deep_mask(value: Any) -> Any:
    """A secret value's shape with its leaves masked (stand-ins kept: they hold no value): previews index
    into staging's secret dicts."""
    if isinstance(value, dict):
        return {k: deep_mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_mask(v) for v in value]
    return value if isinstance(value, str) and STAND_IN.fullmatch(value) else MASK


def stand_in(key: str, ciphertext: str) -> str:
    """What the program gets for a `secure:` value: its key and a hash of its ciphertext (public anyway)."""
    return f"[secret {key} {hashlib.sha256(ciphertext.encode()).hexdigest()[:12]}]"


def invent(kind: str, seed: str, label: str) -> str:
    """A fake value of `kind` (a digest or a numeric id) that `masked` will show as `label`."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    fake = f"sha256:{digest}" if kind == "digest" else str(10**15 + int(digest[:12], 16))
    FAKES[fake] = f"({label})"
    return fake
