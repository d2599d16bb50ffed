"""Validators for the Railway providers' `check`: each returns the CheckFailures for one property.

Owns: the rules for names, ids, whole numbers, choices, booleans, strings, image references, health paths,
registry credentials and replicas per region, and the messages that name the property and the fix. Unknown
values (preview) always pass, and no validator makes an API call or echoes a value that may be secret.
Deliberately not here: which resource checks what (each provider's `check`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

REGIONS = ("us-west2", "us-east4-eqdc4a", "europe-west4-drams3a", "asia-southeast1-eqsg3a")
RESTART_POLICIES = ("ALWAYS", "NEVER", "ON_FAILURE")
INT_MAX = 2**31 - 1  # GraphQL's Int: Railway refuses anything larger, after `check` let it through
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")


def is_unknown(value: Any) -> bool:
    """True for a value not known yet (preview), at the top level or anywhere inside it."""
    return pulumi.output.contains_unknowns(value) or isinstance(value, pulumi.output.Unknown)


def as_int(value: Any) -> Any:
    """A whole-number float as an int: the engine hands a dynamic provider every number as a float."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def failure(prop: str, reason: str) -> CheckFailure:
    return CheckFailure(prop, reason)


def check_name(props: Mapping[str, Any], key: str, *, required: bool = True) -> list[CheckFailure]:
    value = props.get(key)
    if is_unknown(value) or (value is None and not required):
        return []
    if not isinstance(value, str) or not _NAME.match(value):
        return [
            failure(
                key,
                f"{key} must be a non-empty name of at most 100 letters, digits, spaces, '.', '_' or '-', "
                f"starting with a letter or digit; got {value!r}",
            )
        ]
    return []


def check_id(props: Mapping[str, Any], key: str, *, required: bool = True) -> list[CheckFailure]:
    value = props.get(key)
    if is_unknown(value) or (value is None and not required):
        return []
    if not isinstance(value, str) or not value.strip():
        return [failure(key, f"{key} must be a Railway id (a non-empty string); got {value!r}")]
    return []


def check_int(
    props: Mapping[str, Any], key: str, *, minimum: int, maximum: int | None = None
) -> list[CheckFailure]:
    """An optional whole number within [minimum, maximum] (at most GraphQL's Int, 2**31 - 1)."""
    value = as_int(props.get(key))
    if value is None or is_unknown(value):
        return []
    maximum = INT_MAX if maximum is None else min(maximum, INT_MAX)
    upper = "" if maximum == INT_MAX else f" and at most {maximum}"
    in_range = isinstance(value, int) and minimum <= value <= maximum
    if isinstance(value, int) and value > INT_MAX:
        upper = f" and at most {INT_MAX} (Railway's Int is 32-bit)"
    if isinstance(value, bool) or not in_range:
        return [failure(key, f"{key} must be a whole number at least {minimum}{upper}; got {value!r}")]
    return []


def check_choice(props: Mapping[str, Any], key: str, choices: Iterable[str]) -> list[CheckFailure]:
    """An optional value from a fixed list."""
    value = props.get(key)
    options = list(choices)
    if value is None or is_unknown(value) or value in options:
        return []
    return [failure(key, f"{key} must be one of {', '.join(options)}; got {value!r}")]


def check_bool(props: Mapping[str, Any], key: str) -> list[CheckFailure]:
    value = props.get(key)
    if value is None or is_unknown(value) or isinstance(value, bool):
        return []
    return [failure(key, f"{key} must be true or false; got {value!r}")]


def check_string(props: Mapping[str, Any], key: str) -> list[CheckFailure]:
    """An optional non-empty string (a command, an icon)."""
    value = props.get(key)
    if value is None or is_unknown(value) or (isinstance(value, str) and value.strip()):
        return []
    return [failure(key, f"{key} must be a non-empty string, or left out to not manage it; got {value!r}")]


_IMAGE = re.compile(
    r"^[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)


def check_image(props: Mapping[str, Any], key: str, *, pinned: bool, required: bool) -> list[CheckFailure]:
    """An image reference `registry/name[:tag][@sha256:<digest>]`; `pinned` demands the digest."""
    value = props.get(key)
    if is_unknown(value) or (value is None and not required):
        return []
    if not isinstance(value, str) or not _IMAGE.match(value):
        return [
            failure(
                key,
                f"{key} must be an image reference like ghcr.io/owner/app@sha256:<64 hex digits>; "
                f"got {value!r}",
            )
        ]
    if pinned and "@sha256:" not in value:
        return [
            failure(
                key,
                f"{key} must be pinned by digest so every environment runs the same bytes: use "
                f"{value}@sha256:<digest> (docker.Image's repo_digest); got the tag-only {value!r}",
            )
        ]
    return []


def check_health_path(props: Mapping[str, Any], key: str) -> list[CheckFailure]:
    """An optional URL path starting with '/'."""
    path = props.get(key)
    if path is None or is_unknown(path) or (isinstance(path, str) and path.startswith("/")):
        return []
    return [failure(key, f"{key} must start with '/', e.g. '/health'; got {path!r}")]


def check_registry_credentials(props: Mapping[str, Any], key: str) -> list[CheckFailure]:
    """Optional `{username, password}`, both non-empty strings; the message never shows the value."""
    creds = props.get(key)
    if creds is None or is_unknown(creds):
        return []
    ok = isinstance(creds, Mapping) and set(creds) == {"username", "password"}
    if ok and all(is_unknown(v) or (isinstance(v, str) and v) for v in creds.values()):
        return []
    return [failure(key, f"{key} must be {{username, password}}, both non-empty strings")]


def check_replicas_per_region(props: Mapping[str, Any], key: str) -> list[CheckFailure]:
    """An optional non-empty map of known region → replicas ≥ 1."""
    config = props.get(key)
    if config is None or is_unknown(config):
        return []
    pairs = list(config.items()) if isinstance(config, Mapping) else [("", None)]
    bad = {
        str(region): count
        for region, count in pairs
        if region not in REGIONS
        or not (is_unknown(count) or (type(as_int(count)) is int and as_int(count) >= 1))
    }
    if pairs and not bad:
        return []
    shown = bad or config
    return [failure(key, f"{key} maps regions ({', '.join(REGIONS)}) to replicas ≥ 1; got {shown!r}")]
