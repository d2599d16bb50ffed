"""`pulumi preview` of a stack that does not exist yet (every PR's preview job and every first `up`): the
program runs with the Railway ids still unknown, and every dynamic provider's `check` must accept that.
Under mocks in preview mode the ids flow into the next resources as `pulumi.output.Unknown`, as the engine
sends them, and each pickled provider is checked like the engine's provider server does."""

from __future__ import annotations

import base64
from typing import Any

import dill
import pytest
from pulumi.output import Unknown
from pulumi.runtime import mocks as pulumi_mocks

from tests.support.mock_answers import CartlyMocks
from tests.support.program_runs import STACKS
from tests.support.pulumi_mocks import ProgramRun, run_program, unwrap

DYNAMIC = "pulumi-python:dynamic/"


class UnknownOutputsMocks(CartlyMocks):
    """Nothing exists yet: dynamic resources and a docker build answer no outputs, so theirs stay unknown."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ.startswith((DYNAMIC, "docker:index/image:Image")):
            return None, dict(args.inputs)
        return super().new_resource(args)


def checked(run: ProgramRun) -> list[tuple[str, list[str], list[str]]]:
    """(resource, its unknown inputs, check's failures) for every dynamic resource of the run."""
    found = []
    for resource in run:
        if not resource.type.startswith(DYNAMIC):
            continue
        inputs = unwrap(resource.inputs)
        provider = dill.loads(base64.b64decode(inputs["__provider"]))  # noqa: S301 (our own provider)
        failures = [f"{f.property}: {f.reason}" for f in provider.check({}, inputs).failures]
        unknown = sorted(k for k, v in inputs.items() if isinstance(v, Unknown))
        found.append((resource.name, unknown, failures))
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_a_first_preview_passes_every_check_with_the_ids_still_unknown(stack: str) -> None:
    results = checked(run_program(stack, mocks=UnknownOutputsMocks(stack), preview=True))
    assert len(results) == {"production": 14, "staging": 14, "pr-42": 21}[stack]
    deployments = [unknown for name, unknown, _ in results if name == "cartly-web-deployment"]
    expected = sorted(["environment_id", "health_domain", "revision", *_long_lived_ids(stack)])
    assert deployments == [expected]
    assert [(name, failures) for name, _, failures in results if failures] == []


def test_a_preview_that_builds_the_image_passes_every_check_with_the_digest_unknown() -> None:
    config = {"imageBuildContext": "../cartly"}
    run = run_program("staging", config=config, mocks=UnknownOutputsMocks("staging"), preview=True)
    results = checked(run)
    assert len(results) == 13
    with_unknown_image = sorted(name for name, unknown, _ in results if "image" in unknown)
    assert with_unknown_image == [
        "cartly-web-service",
        "cartly-web-settings",
        "cartly-worker-service",
        "cartly-worker-settings",
    ]
    assert [(name, failures) for name, _, failures in results if failures] == []


def _long_lived_ids(stack: str) -> list[str]:
    # A preview takes the project and service ids from staging (known); a new long-lived stack has neither.
    return [] if stack.startswith("pr-") else ["project_id", "service_id"]
