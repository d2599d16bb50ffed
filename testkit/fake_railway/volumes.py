"""Rules, records and resolvers for volumes: `volumeCreate`, `volumeDelete` and `environment.volumeInstances`.
A volume is project-scoped, with one instance per environment it is deployed into, mounted on one service.
Deliberately not imitated: sizes and resizing, backups, regions other than the default, volume migration,
copying volumes when an environment is forked, and the redeploy Railway may start when a volume is mounted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from testkit.fake_railway import records as r
from testkit.fake_railway import views as v
from testkit.fake_railway.queries import Info, RootBase
from testkit.fake_railway.state import GraphQLFailure, State

DEFAULT_SIZE_MB = 5000  # Hobby's volume size


@dataclass
class Volume(r.Record):
    project_id: str = ""
    name: str = ""


@dataclass
class VolumeInstance(r.Record):
    volume_id: str = ""
    environment_id: str = ""
    service_id: str | None = None
    mount_path: str = ""


class VolumeRules(State):
    """Volumes and their instances; cascades from environment, service and project deletion."""

    def clear_state(self) -> None:
        super().clear_state()
        self.volumes: dict[str, Volume] = {}
        self.volume_instances: dict[str, VolumeInstance] = {}

    def create_volume(self, input: dict[str, Any]) -> Volume:
        """environmentId as Railway's schema text says, literally (strict on purpose): a value deploys the
        volume into that environment only, an explicit null into none, and leaving the key out into EVERY
        environment of the project, so a client that forgets it touches staging too."""
        project = self.project(input.get("projectId"))
        mount = input.get("mountPath") or ""
        if not mount.startswith("/"):
            raise GraphQLFailure(f"Invalid mount path {mount}: it must be an absolute path")
        service_id = input.get("serviceId")
        if service_id is not None and self.service(service_id).project_id != project.id:
            raise GraphQLFailure("Service not found")
        if "environmentId" not in input:  # undefined: every environment of the project
            targets = self.live_environments(project.id)
        elif input["environmentId"] is None:  # null: none
            targets = []
        else:
            env = self.environment(input["environmentId"])
            if env.project_id != project.id:
                raise GraphQLFailure("Environment not found")
            targets = [env]
        for env in targets:
            if service_id is not None and self.mounted(service_id, env.id):
                raise GraphQLFailure("Service already has a volume attached")
        volume = Volume(**self.stamp(), project_id=project.id, name=f"volume-{self.random_suffix()}")
        self.volumes[volume.id] = volume
        for env in targets:
            inst = VolumeInstance(
                **self.stamp(),
                volume_id=volume.id,
                environment_id=env.id,
                service_id=service_id,
                mount_path=mount,
            )
            self.volume_instances[inst.id] = inst
        return volume

    def volume(self, volume_id: str | None) -> Volume:
        return self.get(self.volumes, "Volume", volume_id)

    def mounted(self, service_id: str, environment_id: str) -> VolumeInstance | None:
        found = [
            i
            for i in self.volume_instances.values()
            if i.live and i.service_id == service_id and i.environment_id == environment_id
        ]
        return found[0] if found else None

    def delete_volume(self, volume_id: str) -> None:
        volume = self.volume(volume_id)
        self.soft_delete_where(self.volume_instances, "volume_id", volume.id)
        self.soft_delete(volume)

    def _drop_instances(self, attr: str, value: str, service_id: str | None = None) -> None:
        """Delete the instances gone with an environment or a service there; a volume with no live instance
        left is deleted too (whether Railway keeps it is unverified; see API.md §8)."""
        for inst in list(self.volume_instances.values()):
            if getattr(inst, attr) == value and service_id in (None, inst.service_id):
                self.soft_delete(inst)
        for volume in self.volumes.values():
            live = [i for i in self.volume_instances.values() if i.live and i.volume_id == volume.id]
            if volume.live and not live:
                self.soft_delete(volume)

    def delete_environment(self, environment_id: str) -> None:
        super().delete_environment(environment_id)  # type: ignore[misc]
        self._drop_instances("environment_id", environment_id)

    def remove_service_from_environment(self, service_id: str, environment_id: str) -> None:
        super().remove_service_from_environment(service_id, environment_id)  # type: ignore[misc]
        self._drop_instances("environment_id", environment_id, service_id)


def volume_view(b: Any, volume: Volume) -> v.View:
    return {
        **v.times(volume),
        "name": volume.name,
        "projectId": volume.project_id,
        "project": lambda info: v.project(b, b.projects[volume.project_id]),
    }


def volume_instance_view(b: Any, inst: VolumeInstance) -> v.View:
    return {
        **v.times(inst),
        "volumeId": inst.volume_id,
        "volume": lambda info: volume_view(b, b.volumes[inst.volume_id]),
        "environmentId": inst.environment_id,
        "serviceId": inst.service_id,
        "mountPath": inst.mount_path,
        "region": "us-west2",
        "sizeMB": DEFAULT_SIZE_MB,
        "currentSizeMB": 0.0,
        "isPendingDeletion": False,
        "state": "READY" if inst.live else "DELETED",
    }


def environment_volume_instances(b: Any, environment_id: str) -> Any:
    """The `Environment.volumeInstances` connection field of one environment's view."""

    def field(info: Any, **args: Any) -> v.View:
        live = [i for i in b.volume_instances.values() if i.live and i.environment_id == environment_id]
        return v.connection(live, lambda i: volume_instance_view(b, i), args)

    return field


class VolumeMutations(RootBase):
    def volumeCreate(self, info: Info, input: dict[str, Any]) -> v.View:
        self.allow(self.project_of(input["projectId"]))
        return volume_view(self.b, self.b.create_volume(input))

    def volumeDelete(self, info: Info, volumeId: str) -> bool:
        self.authenticated()
        volume = self.b.volume(volumeId)
        self.allow(self.b.project(volume.project_id))
        self.b.delete_volume(volumeId)
        return True
