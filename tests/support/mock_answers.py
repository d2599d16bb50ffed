"""Plausible answers for the program's resources and invokes under mocks: `CartlyMocks` (echo inputs, add
the outputs each resource type declares, with stable fake ids), the invoke answers (registry digest, GitHub
users and teams) and what a staging stack exports for previews. It drives no provider (testkit/mock_engine.py
does) and loads no config (tests/support/pulumi_mocks.py does)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from pulumi.runtime import mocks as pulumi_mocks

from tests.support.pulumi_mocks import stub_secret, unwrap


def _fake_id(*parts: str) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def staging_outputs() -> dict[str, Any]:
    """What the staging stack exports for previews, as a StackReference mock answers it."""
    from components.stack_outputs import PREVIEW_SECRET_KEYS, staging_reference_outputs

    secrets = {key: stub_secret("staging", key) for key in PREVIEW_SECRET_KEYS}
    return staging_reference_outputs(
        project_id=_fake_id("project", "staging"),
        environment_id=_fake_id("environment", "staging"),
        web_service_id=_fake_id("service", "staging", "web"),
        worker_service_id=_fake_id("service", "staging", "worker"),
        secrets=secrets,
    )


class CartlyMocks(pulumi_mocks.Mocks):
    """Plausible outputs for every resource type and invoke the program uses. Inputs are echoed."""

    def __init__(self, stack: str, *, staging: Mapping[str, Any] | None = None) -> None:
        self.stack = stack
        self.staging = dict(staging) if staging is not None else staging_outputs()

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        outputs = dict(args.inputs)
        typ, name = args.typ, args.name
        if typ == "pulumi:pulumi:StackReference":
            secret_names = [k for k in self.staging if k in _secret_output_names()]
            return f"{name}-id", {"name": name, "outputs": self.staging, "secretOutputNames": secret_names}
        outputs.update(_fake_outputs(typ, name, self.stack, args.inputs))
        return _fake_id(typ, name, self.stack), outputs

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return fake_call(args.token, args.args), []


def _secret_output_names() -> frozenset[str]:
    from components.stack_outputs import SECRET_OUTPUTS

    return SECRET_OUTPUTS


def fake_call(token: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Answers for the invokes the program makes (registry digest, GitHub users and teams)."""
    if token.startswith("docker:index/getRegistryImage"):
        digest = "sha256:" + hashlib.sha256(str(args.get("name")).encode()).hexdigest()
        return {"id": digest, "name": args.get("name"), "sha256Digest": digest}
    if token.startswith("github:index/getUser"):
        login = str(args.get("username"))
        return {"id": str(10_000 + sum(map(ord, login))), "login": login, "nodeId": f"U_{login}"}
    if token.startswith("github:index/getTeam"):
        slug = str(args.get("slug"))
        return {"id": str(20_000 + sum(map(ord, slug))), "slug": slug, "name": slug, "nodeId": f"T_{slug}"}
    if token.startswith("github:index/getRepository"):
        name = str(args.get("fullName") or args.get("name"))
        return {"id": name, "nodeId": f"R_{name}", "name": name.split("/")[-1], "fullName": name}
    return {}


def _fake_outputs(typ: str, name: str, stack: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    kind = typ.rsplit(":", 1)[-1]
    ident = _fake_id(kind, name, stack)
    fakes: dict[str, dict[str, Any]] = {
        "Project": {"project_id": ident, "default_environment_id": _fake_id("env", name), "adopted": False},
        "Environment": {"environment_id": ident, "adopted": False},
        "Service": {"service_id": ident},
        "Variables": {
            "managed_keys": sorted(_plain(inputs.get("variables")) or {}),
            "values_sha256": "0" * 64,
        },
        "CustomDomain": {
            "custom_domain_id": ident,
            "dns_records": [
                {
                    "hostlabel": "app",
                    "fqdn": _plain(inputs.get("domain")),
                    "record_type": "DNS_RECORD_TYPE_CNAME",
                    "required_value": f"{ident[:8]}.up.railway.app",
                    "zone": "cartly.io",
                    "purpose": "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE",
                },
                {
                    "hostlabel": "_railway-verify.app",
                    "fqdn": "_railway-verify.app.cartly.io",
                    "record_type": "DNS_RECORD_TYPE_TXT",
                    "required_value": "railway-verify=mock",
                    "zone": "cartly.io",
                    "purpose": "DNS_RECORD_PURPOSE_VERIFICATION",
                },
            ],
            "verification_dns_host": f"_railway-verify.{_plain(inputs.get('domain'))}",
            "verification_token": "mock",
            "verified": False,
        },
        "ServiceDomain": {"service_domain_id": ident, "domain": f"{name}-{ident[:6]}.up.railway.app"},
        "ProjectToken": {"token": "mock-project-token", "token_id": ident},
        "Deployment": {"deployment_id": ident, "status": "SUCCESS", "url": None, "rolled_back_to": None},
        "GeneratedSecret": {"value": f"mock-generated-{name}"},
        "Volume": {"volume_id": ident},
        "Image": {"repo_digest": f"{_plain(inputs.get('imageName'))}@sha256:{'ab' * 32}"},
    }
    return fakes.get(kind, {})


def _plain(value: Any) -> Any:
    return unwrap(value)
