"""Live conformance, the strict emulator's opt-in behaviours: creation cool-downs, list reads lagging writes,
slow environment copies, a fresh domain's 404s, private images failing to pull, and the Hobby plan. Each
turns its behaviour on in the emulator; on real Railway it provokes it where safe (README.md beside it)."""

from __future__ import annotations

import requests

from pulumi_railway.api import domains as domain_ops
from pulumi_railway.api import operations as ops
from pulumi_railway.api.errors import RailwayCooldown, RailwayRateLimited
from tests.live.test_railway_assumptions_deploys import IMAGE, _service_with_image
from tests.support.railway_sandbox import Sandbox
from tests.support.railway_sandbox import sandbox_fixture as sandbox_fixture  # a fixture, used by name
from tests.support.railway_target import target_fixture as target_fixture  # a fixture, used by name
from tests.support.railway_target import wait_until

PRIVATE_IMAGE = "ghcr.io/cartly-infra-it-private/none:latest"  # never published: private or absent


def _service_ids(box: Sandbox) -> list[str]:
    project = box.client.execute(ops.PROJECT_SERVICES, {"id": box.project_id, "first": 100})["project"]
    return [str(e["node"]["id"]) for e in project["services"]["edges"] if not e["node"].get("deletedAt")]


def test_a_create_too_soon_is_refused_as_a_cooldown_and_applies_nothing(sandbox: Sandbox) -> None:
    """Two serviceCreates in a row: the second succeeds or is an HTTP 200 "… too quickly" GraphQL error that
    created nothing. Unproven on Railway unless it refuses: the window's length."""
    sandbox.target.emulate(lambda backend: backend.set_cooldown("serviceCreate", 60.0))
    payload = {**sandbox.scope(), "name": "it-first"}
    refused: list[RailwayCooldown] = []
    with sandbox.target.client(retry_cooldowns=False) as once:
        once.execute(ops.SERVICE_CREATE, {"input": payload})
        try:
            once.execute(ops.SERVICE_CREATE, {"input": {**payload, "name": "it-second"}})
        except RailwayCooldown as exc:
            refused.append(exc)

    assert len(_service_ids(sandbox)) == 2 - len(refused)
    assert all("too quickly" in str(exc).lower() for exc in refused)
    if sandbox.target.name == "emulator":
        assert len(refused) == 1


def test_a_new_deployment_reads_by_id_at_once_and_in_lists_eventually(sandbox: Sandbox) -> None:
    """A deploy then an immediate list read: the new deployment may be missing from the list (read lag) but
    reads by id at once, and shows in the list within the target's wait."""
    sandbox.target.emulate(lambda backend: backend.set_read_lag(1))
    service_id = sandbox.create_service("it-web")
    sandbox.update_instance(service_id, sandbox.base_environment_id, {"source": {"image": IMAGE}})

    deployment_id = sandbox.deploy(service_id)
    first_list = sandbox.deployment_ids(service_id)
    by_id = sandbox.deployment(deployment_id)
    listed = wait_until(
        sandbox.target, lambda: sandbox.deployment_ids(service_id), lambda ids: deployment_id in ids
    )

    assert len(first_list) <= 1
    assert by_id["id"] == deployment_id
    assert deployment_id in listed
    if sandbox.target.name == "emulator":
        assert first_list == []


def test_an_environment_copy_completes_within_the_wait_and_has_the_sources_services(sandbox: Sandbox) -> None:
    """environmentCreate from a source: the copy's service instances may be missing at first (a slow copy)
    but appear within the target's wait. Unproven on Railway: how long a large copy takes."""
    sandbox.target.emulate(lambda backend: backend.set_copy_lag(1))
    service_id = sandbox.create_service("it-web")
    copy_id = sandbox.create_environment("it-copy", sourceEnvironmentId=sandbox.base_environment_id)["id"]

    def instances() -> list[str]:
        env = sandbox.client.execute(ops.ENVIRONMENT_SERVICE_INSTANCES, {"id": copy_id})["environment"]
        return [str(e["node"]["serviceId"]) for e in env["serviceInstances"]["edges"]]

    reads = [instances()]
    reads.append(wait_until(sandbox.target, instances, bool))

    assert len(reads[-1]) == 1
    assert reads[-1] == [service_id]
    if sandbox.target.name == "emulator":
        assert reads[0] == []


def test_a_new_service_domain_may_answer_404_before_it_serves(sandbox: Sandbox) -> None:
    """A live deployment's new service domain: its first GETs answer 404 (not routed yet) or 200, and it
    answers 200 within the target's wait. Unproven on Railway: how long the 404s last."""
    sandbox.target.emulate(lambda backend: backend.set_domain_warmup(1))
    service_id = _service_with_image(sandbox)
    deployment_id = sandbox.deploy(service_id)
    assert sandbox.wait_for_terminal(deployment_id)[-1] == "SUCCESS"
    input_ = {"environmentId": sandbox.base_environment_id, "serviceId": service_id, "targetPort": 80}
    domain = sandbox.client.execute(domain_ops.SERVICE_DOMAIN_CREATE, {"input": input_})[
        "serviceDomainCreate"
    ]
    url = sandbox.target.health_url_template.format(domain=domain["domain"], path="/")

    def get() -> int:
        try:
            return requests.get(url, timeout=10).status_code
        except requests.RequestException:
            return 0  # not resolvable, or no certificate yet: the same "not serving yet" as a 404

    statuses = [get()]
    statuses.append(wait_until(sandbox.target, get, lambda status: status == 200))

    assert statuses[-1] == 200
    assert statuses[0] in (0, 404, 200)
    if sandbox.target.name == "emulator":
        assert statuses[0] == 404


def test_a_private_image_without_registry_credentials_fails_to_deploy(sandbox: Sandbox) -> None:
    """An image Railway cannot pull anonymously ends FAILED, not SUCCESS. Unproven on Railway: that the same
    image deploys once credentials are set (the suite has no private image to test with)."""
    sandbox.target.emulate(lambda backend: backend.set_private_registry("ghcr.io/cartly-infra-it-private/"))
    service_id = sandbox.create_service("it-web")
    sandbox.update_instance(service_id, sandbox.base_environment_id, {"source": {"image": PRIVATE_IMAGE}})

    seen = sandbox.wait_for_terminal(sandbox.deploy(service_id))

    assert len(seen) >= 1
    assert seen[-1] == "FAILED"


def test_hobby_refuses_registry_credentials_naming_pro_and_rate_limits_with_http_429(
    sandbox: Sandbox,
) -> None:
    """Hobby: registry credentials are refused naming the Pro plan, and a burst past 10 requests a second is
    answered HTTP 429. On Railway either may not happen (a Pro workspace); then only the shape is stated.
    Unproven on Railway: the 1,000/hour budget (too many requests to provoke)."""
    sandbox.target.emulate(lambda backend: backend.set_plan("HOBBY"))
    refused = sandbox.registry_credentials_refusal()
    limited: list[RailwayRateLimited] = []
    with sandbox.target.client(retry_cooldowns=False) as once:
        for _ in range(15):
            try:
                once.execute(ops.PROJECT, {"id": sandbox.project_id})
            except RailwayRateLimited as exc:
                limited.append(exc)
    # The emulator's sleeps are instant, so its cleanup would retry inside the same second: fresh budget.
    sandbox.target.emulate(lambda backend: backend.set_plan("PRO"))

    assert refused == "" or "pro plan" in refused.lower(), refused
    assert all(exc.status == 429 for exc in limited)
    if sandbox.target.name == "emulator":
        assert "pro plan" in refused.lower()
        assert len(limited) >= 1
