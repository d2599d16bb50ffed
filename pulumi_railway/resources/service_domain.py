"""ServiceDomain: a Railway-generated domain (`<name>.up.railway.app`) for one service in one environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from pulumi_railway.api import domains as domain_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.toolkit.checks import as_whole_number, check_ids, check_port
from pulumi_railway.toolkit.provider import (
    REPLACES,
    Probe,
    RailwayProvider,
    create_or_adopt,
    fail,
    project_probe,
    replace_keys,
    resend_idempotent,
)

KEYS = ("environment_id", "service_id", "target_port")


@dataclass(frozen=True, kw_only=True)
class ServiceDomainArgs:
    environment_id: pulumi.Input[str] = field(metadata=REPLACES)
    service_id: pulumi.Input[str] = field(metadata=REPLACES)
    target_port: pulumi.Input[int]


REPLACE_KEYS = replace_keys(ServiceDomainArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    environment_id: str
    service_id: str
    target_port: int
    project_id: str | None
    domain: str | None

    @classmethod
    def parse(cls, props: Mapping[str, Any], *, sending: bool = True) -> _Props:
        """`sending=False` for state that only names the domain (read, delete): a port a refresh recorded
        as clobbered (null or 0) is accepted there, and never sent."""
        port = as_whole_number(props.get("target_port"))
        if sending and (port is None or not 1 <= port <= 65535):
            # Never reaches Railway: a 0 here would clobber the domain's routing.
            raise RailwayError(f"ServiceDomain target_port must be 1-65535; got {props.get('target_port')!r}")
        return cls(
            environment_id=str(props["environment_id"]),
            service_id=str(props["service_id"]),
            target_port=port or 0,
            project_id=props.get("project_id"),
            domain=props.get("domain"),
        )

    @property
    def what(self) -> str:
        return f"the generated domain of service '{self.service_id}' in environment '{self.environment_id}'"

    def outputs(self, node: Mapping[str, Any], project_id: str | None) -> dict[str, Any]:
        return {
            "environment_id": self.environment_id,
            "service_id": self.service_id,
            # As Railway has it: a port clobbered out of band (null or 0) shows, so the next diff restores it.
            "target_port": node.get("targetPort", self.target_port),
            "service_domain_id": str(node["id"]),
            "domain": node.get("domain"),
            "project_id": node.get("projectId") or project_id,
        }


class ServiceDomainProvider(RailwayProvider):
    """Dynamic provider for `ServiceDomain`; holds no state."""

    keys, replace_keys = KEYS, REPLACE_KEYS

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [*check_ids(news, "environment_id", "service_id"), *check_port(news, "target_port")]

    def create(self, props: dict[str, Any]) -> CreateResult:
        new = _Props.parse(props)
        with self.client() as client:
            try:
                made = _create(client, new)
            except RailwayError as exc:
                raise fail("create", new.what, exc) from exc
        return CreateResult(str(made["id"]), new.outputs(made, None))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = _Props.parse(news)
        # Not parsed: a refresh may have recorded a port clobbered to null or 0, which is what this restores.
        domain, project_id = olds.get("domain"), olds.get("project_id")
        if as_whole_number(olds.get("target_port")) != new.target_port:
            try:
                with self.client() as client:
                    _set_port(client, new, id_, str(domain))
            except RailwayError as exc:
                raise fail("change the port of", new.what, exc) from exc
        node = {"id": id_, "domain": domain, "targetPort": new.target_port}
        return UpdateResult(new.outputs(node, project_id))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        current = _Props.parse(props, sending=False)

        def fetch(client: RailwayClient) -> tuple[str, dict[str, Any] | None]:
            project_id = current.project_id or _project_of(client, current.service_id)
            return project_id, _find(client, current, project_id, domain_id=id_)

        found = self.read_live(fetch, current.what, probe=_probe(current))
        if found is None or found[1] is None:
            return ReadResult("", {})
        return ReadResult(id_, current.outputs(found[1], found[0]))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        # Railway may answer "Not Authorized" for a domain already deleted (API.md §4).
        current = _Props.parse(props, sending=False)
        self.delete_idempotent(
            domain_ops.SERVICE_DOMAIN_DELETE, {"id": id_}, current.what, probe=_probe(current)
        )


def _create(client: RailwayClient, new: _Props) -> dict[str, Any]:
    """Create the domain, or adopt the one a create whose answer was lost already made; its node."""
    made: dict[str, Any] = {}

    def send() -> str:
        payload = {
            "environmentId": new.environment_id,
            "serviceId": new.service_id,
            "targetPort": new.target_port,
        }
        data = client.execute(domain_ops.SERVICE_DOMAIN_CREATE, {"input": payload})
        made.update(data["serviceDomainCreate"])
        return str(made["id"])

    def lookup() -> str | None:
        found = _find(client, new, _project_of(client, new.service_id))
        if found:
            made.update(found)
        return str(found["id"]) if found else None

    if lookup() is None:  # one a crashed run made is this stack's: adopted, not made twice
        create_or_adopt(lookup, send, new.what)
    return made


def _probe(props: _Props) -> Probe:
    """A read that proves the token still works, so "Not Authorized" on the domain means gone."""
    if props.project_id:
        return project_probe(props.project_id)
    return lambda client: _project_of(client, props.service_id)


def _project_of(client: RailwayClient, service_id: str) -> str:
    data = client.execute(ops.SERVICE, {"id": service_id})
    return str(data["service"]["projectId"])


def _find(
    client: RailwayClient, props: _Props, project_id: str, *, domain_id: str | None = None
) -> dict[str, Any] | None:
    """The service domain with `domain_id`, or (no id) the newest one on `props.target_port`."""
    data = client.execute(
        domain_ops.DOMAINS,
        {"projectId": project_id, "environmentId": props.environment_id, "serviceId": props.service_id},
    )
    nodes = [dict(n) for n in data["domains"]["serviceDomains"] if not n.get("deletedAt")]
    if domain_id is not None:
        return next((n for n in nodes if n.get("id") == domain_id), None)
    same_port = [n for n in nodes if n.get("targetPort") == props.target_port]
    return max(same_port, key=lambda n: str(n.get("createdAt") or ""), default=None)


def _set_port(client: RailwayClient, props: _Props, domain_id: str, domain: str) -> None:
    def send() -> str:
        payload = {
            "serviceDomainId": domain_id,
            "domain": domain,
            "environmentId": props.environment_id,
            "serviceId": props.service_id,
            "targetPort": props.target_port,  # validated 1-65535 by _Props.parse: never 0
        }
        client.execute(domain_ops.SERVICE_DOMAIN_UPDATE, {"input": payload})
        return domain_id

    # The update sets a value: sending it a second time after a transport failure is harmless.
    resend_idempotent(send)


class ServiceDomain(pulumi.dynamic.Resource, module="railway", name="ServiceDomain"):
    """A Railway-generated domain routed to an explicit port of a service."""

    environment_id: pulumi.Output[str]
    service_id: pulumi.Output[str]
    target_port: pulumi.Output[int]
    service_domain_id: pulumi.Output[str]
    domain: pulumi.Output[str]
    project_id: pulumi.Output[str]

    def __init__(
        self, resource_name: str, args: ServiceDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {
            "environment_id": args.environment_id,
            "service_id": args.service_id,
            "target_port": args.target_port,
            "service_domain_id": None,
            "domain": None,
            "project_id": None,
        }
        super().__init__(ServiceDomainProvider(), resource_name, props, opts)
