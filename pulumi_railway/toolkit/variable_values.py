"""The values of Railway variables, without Railway: name rules, the digest of a set, and redaction.

Owns: what `check` accepts as a variable (names `[A-Za-z_][A-Za-z0-9_]*`, string values; a failure never
shows a value), `values_sha256` (a change detector over sorted `name=value` lines that never shows a value),
and `redact` (removes values from an error's text). Deliberately not here: reading or writing variables
(variables.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure

from pulumi_railway.toolkit.checks import failure, is_unknown

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REDACTED = "[secret]"


def values_sha256(variables: Mapping[str, str]) -> str:
    """sha256 hex over the sorted `name=value` lines: a change detector that never shows a value."""
    lines = "".join(f"{name}={variables[name]}\n" for name in sorted(variables))
    return hashlib.sha256(lines.encode()).hexdigest()


def redact(text: str, values: Mapping[str, str]) -> str:
    """`text` with every variable value replaced (longest first, so overlapping values all go)."""
    for value in sorted(set(values.values()), key=len, reverse=True):
        if value:
            text = text.replace(value, REDACTED)
    return text


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
        if not isinstance(name, str) or not NAME.match(name):
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
