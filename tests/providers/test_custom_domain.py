"""CustomDomain against the emulator: DNS records out, port changed in place, domain change replaces."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.resources.custom_domain import CustomDomainProvider
from tests.support.railway_world import World, configured, failures, seed_world

DOMAIN = "staging.cartly.io"


@pytest.fixture
def world(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    return seed_world(fake_railway)


@pytest.fixture
def provider(world: World) -> CustomDomainProvider:
    return configured(CustomDomainProvider(), world.fake.token, world.time)


def props(world: World, domain: str = DOMAIN, port: int = 3000) -> dict[str, Any]:
    return {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": world.web_id,
        "domain": domain,
        "target_port": port,
    }


def created(provider: CustomDomainProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = provider.create(news)
    return result.id, {**news, **(result.outs or {})}


def live_domains(world: World) -> list[Any]:
    return [d for d in world.backend.custom_domains.values() if d.live]


def test_create_outputs_the_routing_and_verification_records(world: World, provider: Any) -> None:
    id_, outs = created(provider, props(world))
    assert len(live_domains(world)) == 1
    assert outs["custom_domain_id"] == id_
    assert [r["record_type"] for r in outs["dns_records"]] == ["DNS_RECORD_TYPE_CNAME", "DNS_RECORD_TYPE_TXT"]
    assert outs["dns_records"][0]["fqdn"] == DOMAIN
    assert outs["verification_dns_host"]
    assert outs["verified"] is False
    assert live_domains(world)[0].target_port == 3000


def test_the_txt_record_output_is_the_one_that_verifies_the_domain(world: World, provider: Any) -> None:
    _id, outs = created(provider, props(world))
    txt = [r for r in outs["dns_records"] if r["record_type"] == "DNS_RECORD_TYPE_TXT"]
    assert len(txt) == 1
    assert txt[0]["hostlabel"] == "_railway-verify.staging"  # the zone (cartly.io) stripped, as the CLI does
    assert txt[0]["required_value"].startswith("railway-verify=")
    assert world.backend.publish_txt(txt[0]["hostlabel"], txt[0]["required_value"]) is True
    assert live_domains(world)[0].verified is True


def test_read_returns_the_current_port_and_verification(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    world.backend.verify_domain(DOMAIN)
    outs = provider.read(id_, state).outs
    assert outs["verified"] is True
    assert outs["target_port"] == 3000


def test_a_port_change_updates_in_place(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    diff = provider.diff(id_, state, props(world, port=8080))
    assert (diff.changes, diff.replaces) == (True, [])
    mark = world.mark()
    outs = provider.update(id_, state, props(world, port=8080)).outs
    assert world.operations_since(mark) == ["CustomDomainUpdate"]
    assert live_domains(world)[0].target_port == 8080
    assert outs["target_port"] == 8080
    assert outs["dns_records"] == state["dns_records"]


def test_a_port_unset_out_of_band_shows_on_refresh_and_the_next_update_restores_it(
    world: World, provider: Any
) -> None:
    id_, state = created(provider, props(world))
    live_domains(world)[0].target_port = None
    refreshed = {**props(world), **(provider.read(id_, state).outs or {})}
    assert refreshed["target_port"] is None
    diff = provider.diff(id_, refreshed, props(world))
    assert (diff.changes, diff.replaces) == (True, [])
    mark = world.mark()
    outs = provider.update(id_, refreshed, props(world)).outs
    assert world.operations_since(mark) == ["CustomDomainUpdate"]
    assert live_domains(world)[0].target_port == 3000
    assert outs["target_port"] == 3000


def test_delete_succeeds_when_railway_answers_not_authorized_for_the_deleted_domain(
    world: World, provider: Any
) -> None:
    id_, state = created(provider, props(world))
    world.backend.delete_out_of_band("custom_domain", id_)
    world.backend.deleted_answer_not_authorized = True
    mark = world.mark()
    provider.delete(id_, state)
    assert [e.operation_name for e in world.since(mark)] == ["CustomDomainDelete", "Project"]
    assert live_domains(world) == []


def news(**changes: Any) -> dict[str, Any]:
    """Inputs for check(): DOMAIN on port 3000 of service s, with `changes`."""
    return {
        "project_id": "p",
        "environment_id": "e",
        "service_id": "s",
        "domain": DOMAIN,
        "target_port": 3000,
        **changes,
    }


@pytest.mark.parametrize(
    ("domain", "hint"),
    [
        ("https://app.cartly.io", "bare host name"),
        ("App.Cartly.io", "lower case"),
        ("localhost", "at least two labels"),
        ("-bad.cartly.io", "labels of 1-63"),
    ],
)
def test_check_refuses_a_malformed_domain_and_says_why(provider: Any, domain: str, hint: str) -> None:
    found = failures(provider, news(domain=domain))
    assert list(found) == ["domain"]
    assert hint in found["domain"]


@pytest.mark.parametrize("port", [0, 65536, "3000", True])
def test_check_refuses_a_port_outside_1_to_65535(provider: Any, port: Any) -> None:
    found = failures(provider, news(target_port=port))
    assert list(found) == ["target_port"]
    assert "1 to 65535" in found["target_port"]


def test_check_accepts_a_whole_port_that_crossed_grpc_as_a_float(provider: Any) -> None:
    assert failures(provider, news(target_port=3000.0)) == {}
