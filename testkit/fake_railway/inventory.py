"""Evidence after a scenario: every live object and every deployment the emulator holds, as plain rows, for
a test to assert "nothing duplicated, nothing orphaned" with. Deliberately not here: any rule of Railway's
(the rule modules), any GraphQL (views.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from testkit.fake_railway import records as r


@dataclass(frozen=True)
class Row:
    """One live object: its kind, id, name (domain for domains), and the ids it belongs to."""

    kind: str
    id: str
    name: str
    project_id: str = ""
    environment_id: str = ""
    service_id: str = ""


@dataclass(frozen=True)
class DeploymentRow:
    id: str
    service_id: str
    environment_id: str
    status: str
    active: bool  # the one serving the service in its environment
    healthy: bool  # its app answers 200 once active
    seq: int
    rollback_from: str | None = None  # the deployment this one rolled back to (Railway's rollback is new)


@dataclass(frozen=True)
class Inventory:
    objects: tuple[Row, ...]
    deployments: tuple[DeploymentRow, ...]

    def of(self, kind: str) -> list[Row]:
        return [row for row in self.objects if row.kind == kind]

    def counts(self) -> dict[str, int]:
        return dict(Counter(row.kind for row in self.objects))

    def duplicates(self) -> list[Row]:
        """Rows whose (kind, name, parent) another row shares: what a replayed create would leave."""
        # Railway names service domains at random: two on one service are duplicates whatever the names.
        key = [
            (
                row.kind,
                "" if row.kind == "service_domain" else row.name,
                row.project_id,
                row.environment_id,
                row.service_id,
            )
            for row in self.objects
        ]
        seen = Counter(key)
        return [row for row, k in zip(self.objects, key, strict=True) if seen[k] > 1]

    def active(self, service_id: str, environment_id: str) -> DeploymentRow | None:
        return next(
            (
                d
                for d in self.deployments
                if d.active and (d.service_id, d.environment_id) == (service_id, environment_id)
            ),
            None,
        )


def inventory(backend: Any) -> Inventory:
    """Everything live in `backend` (a FakeRailwayBackend): projects, environments, services, service
    instances, custom and service domains, project tokens and mounted volumes, one Row each; and every
    deployment it ever made (live or not, with its status and whether it is the active one)."""
    with backend.lock:
        rows = [
            *(Row("project", p.id, p.name) for p in _live(backend.projects)),
            *(Row("environment", e.id, e.name, e.project_id) for e in _live(backend.environments)),
            *(Row("service", s.id, s.name, s.project_id) for s in _live(backend.services)),
            *(
                Row("instance", i.id, i.service_id, environment_id=i.environment_id, service_id=i.service_id)
                for i in _live(backend.instances)
            ),
            *(_domain("custom_domain", d) for d in _live(backend.custom_domains)),
            *(_domain("service_domain", d) for d in _live(backend.service_domains)),
            *(
                Row("project_token", t.id, t.name, t.project_id, t.environment_id)
                for t in _live(backend.project_tokens)
            ),
            *(  # one row per mounted volume: its mount path on its service in its environment
                Row("volume", v.volume_id, v.mount_path, "", v.environment_id, v.service_id or "")
                for v in _live(backend.volume_instances)
            ),
        ]
        deployments = [_deployment(backend, d) for d in backend.deployments.values()]
    return Inventory(tuple(rows), tuple(sorted(deployments, key=lambda d: d.seq)))


def _live(table: dict[str, Any]) -> list[Any]:
    return sorted((obj for obj in table.values() if obj.live), key=lambda obj: obj.seq)


def _domain(kind: str, d: r.CustomDomain | r.ServiceDomain) -> Row:
    return Row(kind, d.id, d.domain, d.project_id, d.environment_id, d.service_id)


def _deployment(backend: Any, d: r.Deployment) -> DeploymentRow:
    active = backend.active_deployment(d.service_id, d.environment_id)
    is_active = d.live and active is not None and active.id == d.id
    rolled = d.meta.get("rollbackFrom")
    return DeploymentRow(d.id, d.service_id, d.environment_id, d.status, is_active, d.healthy, d.seq, rolled)
