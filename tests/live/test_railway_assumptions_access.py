"""Live conformance, access: what a project token answers, reads and may not do, and what a custom domain asks
of DNS. Runs on the emulator and, marked `integration`, on real Railway (README.md beside it)."""

from __future__ import annotations

import re

import pytest

from pulumi_railway.api import operations as ops
from pulumi_railway.api.errors import RailwayAuthError
from pulumi_railway.toolkit.dns_verification import txt_value
from pulumi_railway.toolkit.provider import paginate
from tests.support.railway_sandbox import Sandbox, domain_name
from tests.support.railway_sandbox import sandbox_fixture as sandbox_fixture  # a fixture, used by name
from tests.support.railway_target import BASE_ENVIRONMENT
from tests.support.railway_target import target_fixture as target_fixture  # a fixture, used by name

# --- project tokens ----------------------------------------------------------------------------------------


def test_a_project_token_answers_project_token_with_its_project_and_environment(sandbox: Sandbox) -> None:
    _token, about = sandbox.mint_project_token(sandbox.base_environment_id)

    assert about["projectId"] == sandbox.project_id
    assert about["environmentId"] == sandbox.base_environment_id


def test_a_project_token_cannot_create_an_environment(sandbox: Sandbox) -> None:
    token, _about = sandbox.mint_project_token(sandbox.base_environment_id)

    with sandbox.target.client(token, token_kind="project") as as_token, pytest.raises(RailwayAuthError):
        as_token.execute(ops.ENVIRONMENT_CREATE, {"input": {"projectId": sandbox.project_id, "name": "it-x"}})

    listed = paginate(sandbox.client, ops.ENVIRONMENTS, {"projectId": sandbox.project_id}, "environments")
    assert [env["name"] for env in listed] == [BASE_ENVIRONMENT]


def test_a_project_token_reads_the_variables_of_its_environment_only(sandbox: Sandbox) -> None:
    other_id = sandbox.create_environment("it-other")["id"]
    token, _about = sandbox.mint_project_token(sandbox.base_environment_id)
    own = sandbox.scope()

    with sandbox.target.client(token, token_kind="project") as as_token:
        readable = as_token.execute(ops.VARIABLES, own)["variables"]
        with pytest.raises(RailwayAuthError):
            as_token.execute(ops.VARIABLES, {**own, "environmentId": other_id})

    assert isinstance(readable, dict)


# --- custom domains ----------------------------------------------------------------------------------------


def test_custom_domain_create_names_the_txt_verification_host_in_full_and_the_token_beside_dns_records(
    sandbox: Sandbox,
) -> None:
    """What dns_verification.py relies on (API.md §8, the CLI's domain.rs): the host is
    `_railway-verify.<domain>` (the zone is ours to strip) and the token, bare or prefixed, becomes
    `railway-verify=<token>`."""
    domain = domain_name()
    status = sandbox.create_custom_domain(sandbox.create_service("it-web"), domain)["status"]
    cname = [r for r in status["dnsRecords"] if r["recordType"] == "DNS_RECORD_TYPE_CNAME"]

    assert len(cname) == 1
    assert status["verificationDnsHost"] == f"_railway-verify.{domain}"
    assert re.fullmatch(r"railway-verify=[0-9a-f]{32,}", txt_value(status["verificationToken"]))
