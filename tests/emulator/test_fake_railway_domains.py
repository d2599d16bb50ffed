"""Self-tests of the emulator's domains: a custom domain's DNS records (traffic CNAME and ownership TXT),
and the generated service domain."""

from __future__ import annotations

import re
from typing import Any

import pytest

from testkit.fake_railway.gql import Gql
from testkit.fake_railway.pytest_plugin import FakeRailway

CUSTOM_DOMAIN_CREATE = """mutation CustomDomainCreate($input: CustomDomainCreateInput!) {
  customDomainCreate(input: $input) { id domain targetPort status { verified verificationDnsHost
    verificationToken dnsRecords { hostlabel fqdn recordType requiredValue zone purpose status } } } }"""
CUSTOM_DOMAIN = """query CustomDomain($id: String!, $projectId: String!) {
  customDomain(id: $id, projectId: $projectId) { status { verified dnsRecords { status } } } }"""
SERVICE_DOMAIN_CREATE = """mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { id domain targetPort } }"""
SERVICE_DOMAIN_UPDATE = """mutation ServiceDomainUpdate($input: ServiceDomainUpdateInput!) {
  serviceDomainUpdate(input: $input) }"""
DOMAINS = """query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    customDomains { domain } serviceDomains { domain targetPort } } }"""


@pytest.fixture
def scope(fake_railway: FakeRailway) -> dict[str, str]:
    seeded = fake_railway.backend.seed_project("cartly", ("production",), {"web": "img:1"})
    return {
        "projectId": seeded["project_id"],
        "environmentId": seeded["environments"]["production"],
        "serviceId": seeded["services"]["web"],
    }


def create_custom(gql: Gql, scope: dict[str, str]) -> dict[str, Any]:
    domain_input = {**scope, "domain": "shop.cartly.dev", "targetPort": 3000}
    created: dict[str, Any] = gql.data(CUSTOM_DOMAIN_CREATE, {"input": domain_input})["customDomainCreate"]
    return created


def test_a_custom_domain_lists_only_the_cname_and_describes_the_txt_record_beside_it(
    gql: Gql, scope: dict[str, str]
) -> None:
    status = create_custom(gql, scope)["status"]
    records = status["dnsRecords"]
    assert len(records) == 1
    [cname] = records
    assert (cname["recordType"], cname["hostlabel"], cname["zone"]) == (
        "DNS_RECORD_TYPE_CNAME",
        "shop",
        "cartly.dev",
    )
    assert cname["requiredValue"].endswith(".up.railway.app")
    assert (status["verificationDnsHost"], status["verified"]) == ("_railway-verify.shop.cartly.dev", False)
    assert re.fullmatch(r"[0-9a-f]{64}", status["verificationToken"])


def test_only_the_txt_record_in_the_clis_form_verifies_the_domain(
    fake_railway: FakeRailway, gql: Gql, scope: dict[str, str]
) -> None:
    token = create_custom(gql, scope)["status"]["verificationToken"]
    backend = fake_railway.backend
    assert backend.publish_txt("_railway-verify.shop.cartly.dev", token) is False  # the raw host and token
    assert backend.publish_txt("_railway-verify.shop", token) is False  # the bare token
    assert backend.publish_txt("_railway-verify.shop", f"railway-verify={token}") is True
    assert backend.custom_domains[next(iter(backend.custom_domains))].verified is True


def test_a_custom_domain_reads_verified_once_a_test_marks_its_dns_in_place(
    gql: Gql, scope: dict[str, str], fake_railway: FakeRailway
) -> None:
    created = create_custom(gql, scope)
    fake_railway.backend.verify_domain("shop.cartly.dev")
    status = gql.data(CUSTOM_DOMAIN, {"id": created["id"], "projectId": scope["projectId"]})["customDomain"][
        "status"
    ]
    assert status["verified"] is True
    assert {r["status"] for r in status["dnsRecords"]} == {"DNS_RECORD_STATUS_PROPAGATED"}


def test_a_custom_domain_already_in_use_is_refused(gql: Gql, scope: dict[str, str]) -> None:
    create_custom(gql, scope)
    errors = gql.errors(CUSTOM_DOMAIN_CREATE, {"input": {**scope, "domain": "shop.cartly.dev"}})
    assert errors == ["Domain shop.cartly.dev is already in use"]


def test_a_service_domain_is_named_after_service_and_environment(gql: Gql, scope: dict[str, str]) -> None:
    domain_input = {
        "environmentId": scope["environmentId"],
        "serviceId": scope["serviceId"],
        "targetPort": 3000,
    }
    created = gql.data(SERVICE_DOMAIN_CREATE, {"input": domain_input})["serviceDomainCreate"]
    assert re.fullmatch(r"web-production-[0-9a-f]{4}\.up\.railway\.app", created["domain"])
    assert created["targetPort"] == 3000


def test_a_service_domain_update_without_the_port_keeps_it_and_with_zero_clobbers_it(
    gql: Gql, scope: dict[str, str]
) -> None:
    ids = {"environmentId": scope["environmentId"], "serviceId": scope["serviceId"]}
    created = gql.data(SERVICE_DOMAIN_CREATE, {"input": {**ids, "targetPort": 3000}})["serviceDomainCreate"]
    update = {**ids, "serviceDomainId": created["id"], "domain": created["domain"]}
    gql.data(SERVICE_DOMAIN_UPDATE, {"input": update})
    kept = gql.data(DOMAINS, scope)["domains"]["serviceDomains"][0]["targetPort"]
    gql.data(SERVICE_DOMAIN_UPDATE, {"input": {**update, "targetPort": 0}})
    clobbered = gql.data(DOMAINS, scope)["domains"]["serviceDomains"][0]["targetPort"]
    assert (kept, clobbered) == (3000, 0)
