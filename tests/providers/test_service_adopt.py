"""The Service provider's `adopt` against the emulator: an existing service of that name is taken over as it
is (no serviceCreate, its image source and variables untouched) and never deleted; with none, one is created
and owned as usual. Cartly's production already runs `web` and `worker` on Railway: adopting its project
must not duplicate them."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.service import ServiceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import IMAGE, created_and_deleted, failures, live, provider_fixture

SECRET = "postgres://cartly:s3cr3t-value@db/cartly"
RUNNING_IMAGE = "ghcr.io/cartly/web:running"
RUNNING_VARIABLES = {"DATABASE_URL": "postgres://running@db/cartly"}


provider = provider_fixture(ServiceProvider)


@pytest.fixture
def running(fake_railway: FakeRailway) -> dict[str, Any]:
    """A project that already runs `web` (with its own image and variables)."""
    return fake_railway.backend.seed_project(
        name="cartly-production",
        environments=("production",),
        services={"web": RUNNING_IMAGE},
        variables={"web": RUNNING_VARIABLES},
    )


@pytest.fixture
def empty(fake_railway: FakeRailway) -> dict[str, Any]:
    return fake_railway.backend.seed_project(name="cartly-production", environments=("production",))


def inputs(seeded: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "project_id": seeded["project_id"],
        "environment_id": seeded["environments"]["production"],
        "name": "web",
        "image": IMAGE,
        "variables": {"DATABASE_URL": SECRET},
        "adopt": True,
        **overrides,
    }


def services(fake_railway: FakeRailway) -> list[Any]:
    return live(fake_railway.backend.services)


class TestAnExistingService:
    def test_adopt_takes_it_over_without_any_mutation(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        created = provider.create(inputs(running))
        assert len(services(fake_railway)) == 1
        assert created.id == running["services"]["web"]
        assert created.outs is not None
        assert (created.outs["service_id"], created.outs["adopted"]) == (created.id, True)
        assert fake_railway.backend.count("ServiceCreate") == 0
        assert fake_railway.backend.mutations() == []

    def test_adopt_keeps_its_image_source_and_variables(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        provider.create(inputs(running))
        backend, env = fake_railway.backend, running["environments"]["production"]
        [instance] = [i for i in live(backend.instances) if i.service_id == running["services"]["web"]]
        assert instance.settings["source"] == {"image": RUNNING_IMAGE}
        assert backend.variables[(running["project_id"], env, instance.service_id)] == RUNNING_VARIABLES

    def test_delete_leaves_an_adopted_service_in_place(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        created_and_deleted(provider, inputs(running))
        assert [s.id for s in services(fake_railway)] == [running["services"]["web"]]
        assert fake_railway.backend.count("ServiceDelete") == 0

    def test_it_stays_adopted_through_read_and_update_so_delete_still_leaves_it(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        created = provider.create(inputs(running))
        assert created.outs is not None
        read = provider.read(created.id, created.outs)
        assert read.outs is not None and read.outs["adopted"] is True
        updated = provider.update(created.id, read.outs, inputs(running, icon="https://cartly.io/icon.png"))
        assert updated.outs is not None and updated.outs["adopted"] is True
        provider.delete(created.id, updated.outs)
        assert len(services(fake_railway)) == 1

    def test_adopt_sets_only_a_given_icon_that_differs(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        provider.create(inputs(running, icon="https://cartly.io/icon.png"))
        assert [m.operation_name for m in fake_railway.backend.mutations()] == ["ServiceUpdate"]
        assert fake_railway.backend.services[running["services"]["web"]].icon == "https://cartly.io/icon.png"

    def test_adopt_finds_it_beyond_the_first_page_of_services(
        self, provider: ServiceProvider, fake_railway: FakeRailway
    ) -> None:
        crowd: dict[str, str | None] = {f"job-{n:03}": None for n in range(120)}
        seeded = fake_railway.backend.seed_project(
            environments=("production",), services={**crowd, "web": None}
        )
        created = provider.create(inputs(seeded))
        assert created.id == seeded["services"]["web"]
        assert fake_railway.backend.count("ServiceCreate") == 0
        assert fake_railway.backend.count("ProjectServices") == 2


class TestNoExistingService:
    def test_adopt_creates_it_and_records_it_as_not_adopted(
        self, provider: ServiceProvider, fake_railway: FakeRailway, empty: dict[str, Any]
    ) -> None:
        created = provider.create(inputs(empty))
        assert len(services(fake_railway)) == 1
        assert created.outs is not None and created.outs["adopted"] is False
        assert fake_railway.backend.count("ServiceCreate") == 1

    def test_delete_removes_a_service_adopt_had_to_create(
        self, provider: ServiceProvider, fake_railway: FakeRailway, empty: dict[str, Any]
    ) -> None:
        created_and_deleted(provider, inputs(empty))
        assert services(fake_railway) == []
        assert fake_railway.backend.count("ServiceDelete") == 1

    def test_a_deleted_service_of_that_name_is_not_adopted(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        fake_railway.backend.delete_out_of_band("service", running["services"]["web"])
        created = provider.create(inputs(running))
        assert created.id != running["services"]["web"]
        assert created.outs is not None and created.outs["adopted"] is False
        assert [s.id for s in services(fake_railway)] == [created.id]

    def test_without_adopt_an_existing_name_is_sent_to_serviceCreate_not_taken_over(
        self, provider: ServiceProvider, fake_railway: FakeRailway, running: dict[str, Any]
    ) -> None:
        with pytest.raises(RailwayError, match=r"Unable to create service 'web'.*already exists"):
            provider.create(inputs(running, adopt=False))
        assert fake_railway.backend.count("ServiceCreate") == 1
        assert fake_railway.backend.count("ProjectServices") == 0


class TestInput:
    @pytest.mark.parametrize("value", ["yes", 1, "true"])
    def test_check_refuses_an_adopt_that_is_not_a_bool(
        self, provider: ServiceProvider, fake_railway: FakeRailway, empty: dict[str, Any], value: Any
    ) -> None:
        found = failures(provider, inputs(empty, adopt=value))
        assert list(found) == ["adopt"]
        assert "adopt must be true or false" in found["adopt"]
        assert fake_railway.backend.count() == 0

    def test_a_failed_adopt_names_the_service_but_no_secret(self, provider: ServiceProvider) -> None:
        project = "0f0e0d0c-0b0a-4908-8706-050403020100"
        with pytest.raises(RailwayError) as caught:
            provider.create(inputs({"project_id": project, "environments": {"production": "e"}}))
        message = str(caught.value)
        assert message.startswith("Unable to adopt service 'web' in environment 'e': ")
        assert "s3cr3t" not in message and "s3cr3t" not in repr(caught.value)

    def test_adopt_is_not_diffed_after_creation(
        self, provider: ServiceProvider, empty: dict[str, Any]
    ) -> None:
        olds = {**inputs(empty), "service_id": "s", "adopted": False}
        assert provider.diff("s", olds, inputs(empty, adopt=False)).changes is False
