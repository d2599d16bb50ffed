"""The one place the Railway providers' `check` rules live: each validator returns the CheckFailures for
one property, names it and the fix, passes unknown values (preview), and never echoes a secret."""

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


def check_ids(props: Mapping[str, Any], *keys: str) -> list[CheckFailure]:
    """`check_id` of each required id in `keys`."""
    return [found for key in keys for found in check_id(props, key)]


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


# --- domains and ports ---------------------------------------------------------------------------------
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


# --- variables and seconds ------------------------------------------------------------------------------
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_variables(props: Mapping[str, Any]) -> list[CheckFailure]:
    """Names `[A-Za-z_][A-Za-z0-9_]*`, values strings; a failure never shows a value (they are secret)."""
    variables = props.get("variables")
    if isinstance(variables, pulumi.output.Unknown):
        return []
    if not isinstance(variables, Mapping):
        return [
            failure("variables", "variables must be a mapping of NAME to string value, e.g. {'PORT': '3000'}")
        ]
    failures = []
    for name, value in variables.items():
        if not isinstance(name, str) or not VARIABLE_NAME.match(name):
            failures.append(
                failure(
                    "variables",
                    f"variable name {name!r} must start with a letter or '_' and contain only letters, "
                    "digits and '_' (e.g. DATABASE_URL)",
                )
            )
        elif not is_unknown(value) and not isinstance(value, str):
            failures.append(
                failure(
                    "variables", f"variable {name} must be a string; got a {type(value).__name__} (quote it)"
                )
            )
    return failures


def check_seconds(props: Mapping[str, Any], key: str, *, positive: bool) -> list[CheckFailure]:
    """A number of seconds (0 allowed unless `positive`), or absent."""
    value = props.get(key)
    if value is None or is_unknown(value):
        return []
    ok = isinstance(value, int | float) and not isinstance(value, bool) and (value > 0 or not positive)
    if ok and value >= 0:
        return []
    bound = "greater than 0" if positive else "0 or more"
    return [failure(key, f"{key} must be a number of seconds {bound}; got {value!r}")]
