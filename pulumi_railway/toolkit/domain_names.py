"""Validation of what the domain and deployment resources take: host names and TCP ports.

Owns the rules `check` applies to a domain name (`app.cartly.io`, `*.cartly.io`) and a target port, with
failures that name the property and the fix. Deliberately not here: anything that talks to Railway, and
the validators every resource shares (provider_base.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure

from pulumi_railway.toolkit.checks import failure, is_unknown

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^xn--[a-z0-9-]+$")


def domain_problem(value: object) -> str | None:
    """Why `value` is not a usable DNS name (None when it is): lower case, dot-separated labels."""
    if not isinstance(value, str) or not value:
        return "must be a DNS name such as app.cartly.io"
    if value != value.strip() or "://" in value or "/" in value:
        return "must be a bare host name, without scheme, path or spaces (e.g. app.cartly.io)"
    if value != value.lower():
        return f"must be lower case (use {value.lower()!r})"
    name = value.removeprefix("*.")
    labels = name.split(".")
    if len(name) > 253 or len(labels) < 2:
        return "must have at least two labels (e.g. app.cartly.io) and at most 253 characters"
    if not all(_LABEL.match(label) for label in labels):
        return "must be labels of 1-63 letters, digits or '-' (not at either end), separated by single dots"
    if not _TLD.match(labels[-1]):
        return "must end in a real top-level domain such as .io or .com"
    return None


def check_domain(props: Mapping[str, Any], key: str, *, required: bool = True) -> list[CheckFailure]:
    value = props.get(key)
    if is_unknown(value) or (value is None and not required):
        return []
    problem = domain_problem(value)
    return [failure(key, f"{key} {problem}; got {value!r}")] if problem else []


def as_whole_number(value: object) -> int | None:
    """`value` as an int, or None. Numbers cross the engine's gRPC boundary as floats (3000 → 3000.0)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def check_port(props: Mapping[str, Any], key: str) -> list[CheckFailure]:
    """A required TCP port, 1-65535 (Railway reads 0 as "unset", which clobbers the routing)."""
    value = props.get(key)
    if is_unknown(value):
        return []
    port = as_whole_number(value)
    if port is None or not 1 <= port <= 65535:
        return [failure(key, f"{key} must be a whole number from 1 to 65535 (3000 for web); got {value!r}")]
    return []
