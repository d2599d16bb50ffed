"""CustomDomain: a domain of ours (app.cartly.io) routed to one service's port in one environment.

Outputs the DNS records a DNS host needs (Railway's CNAME plus the TXT verification record in the CLI's
form). The port changes in place; another domain, service, environment or project replaces it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from pulumi_railway.api import domains as domain_ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.toolkit import dns_verification
from pulumi_railway.toolkit.checks import as_whole_number, check_domain, check_ids, check_port
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    create_or_adopt,
    fail,
    project_probe,
    replace_keys,
)

KEYS = ("project_id", "environment_id", "service_id", "domain", "target_port")


@dataclass(frozen=True, kw_only=True)
class CustomDomainArgs:
    project_id: pulumi.Input[str] = field(metadata=REPLACES)
    environment_id: pulumi.Input[str] = field(metadata=REPLACES)
    service_id: pulumi.Input[str] = field(metadata=REPLACES)
    domain: pulumi.Input[str] = field(metadata=REPLACES)
    target_port: pulumi.Input[int]


REPLACE_KEYS = replace_keys(CustomDomainArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    project_id: str
    environment_id: str
    service_id: str
    domain: str
    target_port: int

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        return cls(
            project_id=str(props["project_id"]),
            environment_id=str(props["environment_id"]),
            service_id=str(props["service_id"]),
            domain=str(props["domain"]),
            target_port=int(as_whole_number(props["target_port"]) or 0),
        )

    @property
    def what(self) -> str:
        return (
            f"custom domain '{self.domain}' on service '{self.service_id}' "
            f"in environment '{self.environment_id}'"
        )

    def outputs(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """Complete outputs from a CustomDomain node (create answer or read)."""
        status = node.get("status") or {}
        domain = str(node.get("domain") or self.domain)
        records = [_record(r) for r in status.get("dnsRecords") or []]
        return {
            "project_id": self.project_id,
            "environment_id": self.environment_id,
            "service_id": self.service_id,
            "domain": domain,
            # As Railway has it: a port unset out of band reads as None, so the next diff restores it.
            "target_port": node.get("targetPort", self.target_port),
            "custom_domain_id": str(node["id"]),
            # The TXT record in the form Railway's CLI writes (zone stripped, `railway-verify=` value).
            "dns_records": dns_verification.with_verification(
                domain, records, status.get("verificationDnsHost"), status.get("verificationToken")
            ),
            "verification_dns_host": status.get("verificationDnsHost"),
            "verification_token": status.get("verificationToken"),
            "verified": bool(status.get("verified")),
        }


def _record(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "hostlabel": record.get("hostlabel"),
        "fqdn": record.get("fqdn"),
        "record_type": record.get("recordType"),
        "required_value": record.get("requiredValue"),
        "zone": record.get("zone"),
        "purpose": record.get("purpose"),
    }


class CustomDomainProvider(RailwayProvider):
    """Dynamic provider for `CustomDomain`; holds no state."""

    keys, replace_keys = KEYS, REPLACE_KEYS

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [
            *check_ids(news, "project_id", "environment_id", "service_id"),
            *check_domain(news, "domain"),
            *check_port(news, "target_port"),
        ]

    def create(self, props: dict[str, Any]) -> CreateResult:
        new = _Props.parse(props)
        with self.client() as client:
            return _create(client, new)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = _Props.parse(news)
        outs = {**olds, **{key: news.get(key) for key in KEYS}}
        outs.pop("__provider", None)
        if _Props.parse(olds).target_port != new.target_port:
            try:
                with self.client() as client:
                    _set_port(client, new, id_)
            except RailwayError as exc:
                raise fail("change the port of", new.what, exc) from exc
        return UpdateResult(outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = _Props.parse(props)
        probe = project_probe(current.project_id)
        node = self.read_live(lambda client: _get(client, current.project_id, id_), current.what, probe=probe)
        if node is None or node.get("deletedAt"):
            return ReadResult("", {})
        return ReadResult(id_, current.outputs(node))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Railway may answer "Not Authorized" for a domain already deleted (API.md §4): gone if the project
        # reads.
        current = _Props.parse(props)
        probe = project_probe(current.project_id)
        self.delete_idempotent(domain_ops.CUSTOM_DOMAIN_DELETE, {"id": id_}, current.what, probe=probe)


# Looked up on the service first, so a create a crash left unrecorded is adopted, not refused as "already in
# use"; in use anywhere else, it is someone else's and the error says so. DNS itself, certificates and
# generated domains (service_domain.py) are not this module's.
def _create(client: RailwayClient, new: _Props) -> CreateResult:
    """Create the domain, or adopt the one a create whose answer was lost already made."""
    made: dict[str, Any] = {}

    def send() -> str:
        data = client.execute(
            domain_ops.CUSTOM_DOMAIN_CREATE,
            {
                "input": {
                    "projectId": new.project_id,
                    "environmentId": new.environment_id,
                    "serviceId": new.service_id,
                    "domain": new.domain,
                    "targetPort": new.target_port,
                }
            },
        )
        made.update(data["customDomainCreate"])
        return str(made["id"])

    try:
        domain_id = _find(client, new) or create_or_adopt(lambda: _find(client, new), send, new.what)
        node = made if made.get("id") == domain_id else _get(client, new.project_id, domain_id)
        if node.get("targetPort") != new.target_port:  # adopted with another port
            _set_port(client, new, domain_id)
            node = {**node, "targetPort": new.target_port}
    except RailwayError as exc:
        if "already in use" in str(exc).lower():
            raise RailwayError(
                f"Unable to create {new.what}: Railway has '{new.domain}' on another service or project, "
                "so it is not this stack's; remove it there first, or use another domain"
            ) from exc
        raise fail("create", new.what, exc) from exc
    return CreateResult(domain_id, new.outputs(node))


def _get(client: RailwayClient, project_id: str, domain_id: str) -> dict[str, Any]:
    data = client.execute(domain_ops.CUSTOM_DOMAIN, {"id": domain_id, "projectId": project_id})
    return dict(data["customDomain"])


def _find(client: RailwayClient, props: _Props) -> str | None:
    """The id of this domain on the service, if a create already made it."""
    data = client.execute(
        domain_ops.DOMAINS,
        {"projectId": props.project_id, "environmentId": props.environment_id, "serviceId": props.service_id},
    )
    for node in data["domains"]["customDomains"]:
        if node.get("domain") == props.domain and not node.get("deletedAt"):
            return str(node["id"])
    return None


def _set_port(client: RailwayClient, props: _Props, domain_id: str) -> None:
    def send() -> str:
        client.execute(
            domain_ops.CUSTOM_DOMAIN_UPDATE,
            {"id": domain_id, "environmentId": props.environment_id, "targetPort": props.target_port},
        )
        return domain_id

    def applied() -> str | None:
        port = _get(client, props.project_id, domain_id).get("targetPort")
        return domain_id if port == props.target_port else None

    create_or_adopt(applied, send, f"port change of {props.what}")


class CustomDomain(pulumi.dynamic.Resource, module="railway", name="CustomDomain"):
    """A custom domain on a service's port; outputs the DNS and TXT records to create."""

    project_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    service_id: pulumi.Output[str]
    domain: pulumi.Output[str]
    target_port: pulumi.Output[int]
    custom_domain_id: pulumi.Output[str]
    dns_records: pulumi.Output[list[dict[str, Any]]]
    verification_dns_host: pulumi.Output[str | None]
    verification_token: pulumi.Output[str | None]
    verified: pulumi.Output[bool]

    def __init__(
        self, resource_name: str, args: CustomDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            "project_id": args.project_id,
            "environment_id": args.environment_id,
            "service_id": args.service_id,
            "domain": args.domain,
            "target_port": args.target_port,
            "custom_domain_id": None,
            "dns_records": None,
            "verification_dns_host": None,
            "verification_token": None,
            "verified": None,
        }
        super().__init__(CustomDomainProvider(), resource_name, props, opts)
