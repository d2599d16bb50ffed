"""Bad stack config under the real engine: the CLI shows the rule that was broken and its fix, no traceback,
and Railway hears nothing."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

from tests.engine.conftest import Tier

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]

STACK = "staging"


def test_a_broken_rule_fails_the_update_with_its_message_alone(tier: Tier) -> None:
    done = tier.init_stack(STACK)
    assert done.returncode == 0, done.stderr
    stack = tier.engine.stack(STACK)
    stack.set_config("cartly-infra:webReplicas", auto.ConfigValue(value="0"))
    start = tier.mark()

    with pytest.raises(auto.CommandError) as failed:
        stack.up()

    text = str(failed.value)
    assert "Invalid configuration for stack 'staging'" in text
    assert "cartly-infra:webReplicas" in text
    assert "pulumi config set cartly-infra:webReplicas" in text  # the fix
    assert "Traceback" not in text
    assert [entry.operation_name for entry in list(tier.railway.backend.requests)[start:]] == []
