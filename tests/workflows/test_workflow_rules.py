"""Every workflow rule (security, and how the tools are run) holds on every workflow, and catches the bad
example written for it, so no rule can pass on nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.workflows import test_workflows as security
from tests.workflows import test_workflows_tools as tools

Rule = Callable[[dict[str, Any]], list[str]]
CASES = [(rule, module.BAD) for module in (security, tools) for rule in module.RULES]
each_rule = pytest.mark.parametrize(("rule", "bad"), CASES, ids=[rule.__name__ for rule, _ in CASES])


@each_rule
def test_each_rule_catches_the_bad_example(rule: Rule, bad: dict[str, Any]) -> None:
    assert len(rule(bad)) >= 1


@each_rule
@pytest.mark.parametrize("path", security.WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_breaks_the_rule(rule: Rule, bad: dict[str, Any], path: Path) -> None:
    assert rule(security.load(path)) == []
