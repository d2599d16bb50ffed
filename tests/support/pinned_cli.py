"""The pinned Pulumi CLI (scripts/pulumi-cli) for the tests that run it, or a skip that says why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.real_engine import NoCli, find_cli


def pinned_cli_or_skip(who: str, advice: str = "") -> Path:
    """The CLI's directory; without it, skip with `<who>: <why it cannot be had><advice>`."""
    try:
        return find_cli()
    except NoCli as exc:
        pytest.skip(f"{who}: {exc}{advice}")
