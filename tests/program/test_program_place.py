"""The program under Pulumi mocks (layer 3): where a long-lived stack's Railway objects come from. A created
project starts with an environment named after the stack (staging → `staging`, not Railway's default
`production`); an adopted project (`cartly-infra:railwayProjectId`) keeps its own environment
(`cartly-infra:environmentName`) and its existing services are taken over by name, never duplicated."""

from __future__ import annotations

import functools

import pytest

from tests.support.program_runs import of, one, plain, program_run
from tests.support.pulumi_mocks import ProgramRun, run_program

ADOPTED_ID = "0f0e0d0c-0b0a-4908-8706-050403020100"


@functools.cache
def adopted_run(stack: str) -> ProgramRun:
    return run_program(stack, config={"railwayProjectId": ADOPTED_ID, "environmentName": "production"})


def test_staging_creates_its_project_with_an_environment_named_staging_and_adopts_it() -> None:
    run = program_run("staging")
    project, env = one(run, "railway:Project"), one(run, "railway:Environment")
    assert plain(project, "default_environment_name") == "staging"
    assert (plain(env, "name"), plain(env, "adopt")) == ("staging", True)


def test_production_creates_its_project_with_an_environment_named_production() -> None:
    project = one(program_run("production"), "railway:Project")
    assert plain(project, "default_environment_name") == "production"


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_an_adopted_project_is_not_given_a_default_environment_name(stack: str) -> None:
    project = one(adopted_run(stack), "railway:Project")
    assert plain(project, "project_id") == ADOPTED_ID
    assert plain(project, "default_environment_name") is None


def test_an_adopted_projects_environment_is_the_configured_one() -> None:
    env = one(adopted_run("staging"), "railway:Environment")
    assert (plain(env, "name"), plain(env, "adopt")) == ("production", True)


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_the_services_of_an_adopted_project_are_adopted_by_name(stack: str) -> None:
    services = of(adopted_run(stack), "railway:Service")
    assert len(services) == 2
    assert {plain(s, "name"): plain(s, "adopt") for s in services} == {"web": True, "worker": True}


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_the_services_of_a_created_project_are_created(stack: str) -> None:
    services = of(program_run(stack), "railway:Service")
    assert len(services) == 2
    assert {plain(s, "name"): plain(s, "adopt") for s in services} == {"web": False, "worker": False}
