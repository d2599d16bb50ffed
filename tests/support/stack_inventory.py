"""What the emulator's inventory (testkit/fake_railway/inventory.py) holds for the program's stacks, and the
custom domain the deploy gate probes on a seeded world's web service."""

from __future__ import annotations

from tests.support.railway_world import World

# One stack (staging or production) from nothing, by kind.
ONE_STACK = {
    "project": 1,
    "environment": 1,
    "service": 2,
    "instance": 2,
    "custom_domain": 1,
    "service_domain": 1,
    "project_token": 1,
}


def add_web_domain(world: World, domain: str) -> None:
    """`domain` on the world's web service in its environment, made directly in the emulator."""
    world.backend.create_custom_domain(
        {
            "projectId": world.project_id,
            "environmentId": world.environment_id,
            "serviceId": world.web_id,
            "domain": domain,
            "targetPort": 3000,
        }
    )
