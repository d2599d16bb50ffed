"""The values of Railway variables, without Railway: name rules, the digest of a set, and redaction.

No check failure, digest or redacted text ever shows a value. Reading and writing them is variables.py's."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

REDACTED = "[secret]"


# A change detector over sorted `name=value` lines; `check` accepts names `[A-Za-z_][A-Za-z0-9_]*` with string
# values; `redact` removes values from an error's text.
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
