"""Rules for custom domains (a CNAME to route traffic; ownership proved by a TXT record that Railway
describes beside `dnsRecords`, not in it) and generated service domains
(`<service>-<environment>-<random>.up.railway.app`). Deliberately not imitated: real DNS checks (a test
marks a domain verified with `verify_domain`), certificate issuance, plan limits on domains per service, TCP
proxies, wildcard specifics."""

from __future__ import annotations

import re
from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway.state import GraphQLFailure, State

SERVICE_DOMAIN_SUFFIX = "up.railway.app"


class DomainRules(State):
    def instance_scope(self, project_id: str | None, environment_id: str, service_id: str) -> r.Instance:
        service = self.service(service_id)
        env = self.environment(environment_id)
        if env.project_id != service.project_id or (project_id and project_id != service.project_id):
            raise GraphQLFailure("Service not found")
        return self.instance(service.id, env.id)

    def create_custom_domain(self, input: dict[str, Any]) -> r.CustomDomain:
        inst = self.instance_scope(input["projectId"], input["environmentId"], input["serviceId"])
        name = input["domain"].strip().lower().rstrip(".")
        if any(d.live and d.domain == name for d in self.custom_domains.values()):
            raise GraphQLFailure(f"Domain {name} is already in use")
        domain = r.CustomDomain(
            **self.stamp(),
            project_id=input["projectId"],
            environment_id=inst.environment_id,
            service_id=inst.service_id,
            domain=name,
            target_port=input.get("targetPort"),
            verification_token=self.random_suffix(64),
            cname_target=f"{self.random_suffix(8)}.{SERVICE_DOMAIN_SUFFIX}",
        )
        self.custom_domains[domain.id] = domain
        return domain

    def custom_domain(self, domain_id: str) -> r.CustomDomain:
        return self.get(self.custom_domains, "CustomDomain", domain_id)

    def update_custom_domain(self, domain_id: str, environment_id: str, target_port: int | None) -> None:
        domain = self.custom_domain(domain_id)
        if domain.environment_id != environment_id:
            raise GraphQLFailure("CustomDomain not found")
        domain.target_port = target_port
        domain.updated_at = self.now_iso()

    def verify_domain(self, name: str, verified: bool = True) -> None:
        """Test helper: act as if the DNS records of custom domain `name` were (not) in place."""
        for domain in self.custom_domains.values():
            if domain.live and domain.domain == name:
                domain.verified = verified
                return
        raise KeyError(f"No live custom domain {name!r}")

    def publish_txt(self, label: str, value: str, record_type: str = "DNS_RECORD_TYPE_TXT") -> bool:
        """Test helper: a DNS host publishes this record; a custom domain it proves becomes verified."""
        proved = False
        for domain in self.custom_domains.values():
            is_txt = record_type == "DNS_RECORD_TYPE_TXT"
            if domain.live and is_txt and self.txt_satisfies(domain, label, value):
                domain.verified = proved = True
        return proved

    @staticmethod
    def split_domain(name: str) -> tuple[str, str]:
        """(host label, zone) of a domain; the zone is taken as its last two labels."""
        labels = name.split(".")
        return ".".join(labels[:-2]), ".".join(labels[-2:])

    def dns_records(self, domain: r.CustomDomain) -> list[dict[str, Any]]:
        """Only the CNAME, as Railway answers (API.md §8, docs api/manage-domains.md, CLI domain.rs)."""
        host, zone = self.split_domain(domain.domain)
        status = "DNS_RECORD_STATUS_PROPAGATED" if domain.verified else "DNS_RECORD_STATUS_REQUIRES_UPDATE"
        return [
            {
                "hostlabel": host or "@",
                "fqdn": domain.domain,
                "recordType": "DNS_RECORD_TYPE_CNAME",
                "requiredValue": domain.cname_target,
                "currentValue": domain.cname_target if domain.verified else "",
                "status": status,
                "zone": zone,
                "purpose": "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE",
            },
        ]

    @staticmethod
    def verification_host(domain: r.CustomDomain) -> str:
        """The full name of the TXT record; with the bare `verificationToken`, a client must strip the zone
        and write `railway-verify=<token>` itself, as the CLI does."""
        return f"_railway-verify.{domain.domain}"

    @staticmethod
    def txt_satisfies(domain: r.CustomDomain, label: str, value: str) -> bool:
        """Does TXT record `label` (under the zone) = `value` verify the domain? The CLI's form does."""
        host = f"_railway-verify.{domain.domain}"
        zone = ".".join(domain.domain.split(".")[-2:])
        return f"{label}.{zone}" == host and value == f"railway-verify={domain.verification_token}"

    def instance_domains(self, service_id: str, environment_id: str) -> dict[str, list[Any]]:
        def mine(d: r.CustomDomain | r.ServiceDomain) -> bool:
            return d.live and d.service_id == service_id and d.environment_id == environment_id

        return {
            "customDomains": [d for d in self.custom_domains.values() if mine(d)],
            "serviceDomains": [d for d in self.service_domains.values() if mine(d)],
        }

    def create_service_domain(self, input: dict[str, Any]) -> r.ServiceDomain:
        inst = self.instance_scope(None, input["environmentId"], input["serviceId"])
        service = self.service(inst.service_id)
        env = self.environment(inst.environment_id)
        label = re.sub(r"[^a-z0-9-]+", "-", f"{service.name}-{env.name}".lower()).strip("-")
        domain = r.ServiceDomain(
            **self.stamp(),
            project_id=service.project_id,
            environment_id=env.id,
            service_id=service.id,
            domain=f"{label}-{self.random_suffix(4)}.{SERVICE_DOMAIN_SUFFIX}",
            target_port=input.get("targetPort"),
        )
        self.service_domains[domain.id] = domain
        return domain

    def service_domain(self, domain_id: str) -> r.ServiceDomain:
        return self.get(self.service_domains, "ServiceDomain", domain_id)

    def update_service_domain(self, input: dict[str, Any]) -> None:
        domain = self.service_domain(input["serviceDomainId"])
        if (domain.environment_id, domain.service_id) != (input["environmentId"], input["serviceId"]):
            raise GraphQLFailure("ServiceDomain not found")
        domain.domain = input["domain"]
        if "targetPort" in input:  # Railway stores what it is sent: 0 or null clobbers the port
            domain.target_port = input["targetPort"]
        domain.updated_at = self.now_iso()
