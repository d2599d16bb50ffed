"""The runtime reset lets one process run the program any number of times (the test suite does)."""

from __future__ import annotations

from pulumi.dynamic.dynamic import serialize_provider

from pulumi_railway.resources.project import ProjectProvider
from tests.support.pulumi_mocks import run_program


def test_provider_serialization_does_not_deepen_across_program_runs() -> None:
    # serialize_provider wraps pickle's _batch_setitems once per call and never unwraps it: 1200 calls
    # (about 90 runs of the program) overflow the stack unless each run's reset restores it.
    pickled = []
    for _ in range(12):
        run_program("staging")  # resets the runtime first, as every run does
        pickled += [serialize_provider(ProjectProvider()) for _ in range(100)]
    assert len(pickled) == 1200
    assert len(set(pickled)) == 1  # and the pickle stays deterministic
