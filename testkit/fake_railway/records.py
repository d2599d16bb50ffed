"""The emulator's stored objects: one dataclass per Railway object, as the backend keeps them.

Owns the shape of state only. Rules (what a mutation does to these) live in the rule modules; how an
object reads over GraphQL lives in views.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Deployment statuses after which a deployment never changes by itself.
FINAL_STATUSES = frozenset({"SUCCESS", "FAILED", "CRASHED", "REMOVED", "REMOVING", "SKIPPED", "SLEEPING"})
# What a deployment can be scripted to end as (HANG: stays BUILDING forever).
OUTCOMES = ("SUCCESS", "FAILED", "CRASHED", "HANG")
REGIONS = {
    "us-west2": ("US West (Oregon)", "US"),
    "us-east4-eqdc4a": ("US East (Virginia)", "US"),
    "europe-west4-drams3a": ("EU West (Amsterdam)", "NL"),
    "asia-southeast1-eqsg3a": ("Southeast Asia (Singapore)", "SG"),
}


@dataclass
class Record:
    """Fields every stored object has. Times are ISO-8601 UTC strings, as Railway's DateTime."""

    id: str
    created_at: str
    updated_at: str
    deleted_at: str | None = None
    seq: int = 0  # creation order (timestamps can tie)

    @property
    def live(self) -> bool:
        return self.deleted_at is None


@dataclass
class Project(Record):
    name: str = ""
    workspace_id: str = ""
    description: str | None = None
    is_public: bool = False
    pr_deploys: bool = False
    bot_pr_environments: bool = False
    focused_pr_environments: bool = False
    base_environment_id: str | None = None


@dataclass
class Environment(Record):
    project_id: str = ""
    name: str = ""
    is_ephemeral: bool = False
    source_environment_id: str | None = None
    pr_number: int | None = None
    copy_pending: int = 0  # reads of its service instances before the copy from its source completes
    copy_deploys: bool = True

    @property
    def is_fork(self) -> bool:
        return self.source_environment_id is not None


@dataclass
class Service(Record):
    project_id: str = ""
    name: str = ""
    icon: str | None = None


@dataclass
class Instance(Record):
    """A service's settings in one environment. `settings` holds only keys that were set (input names)."""

    service_id: str = ""
    environment_id: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    registry_credentials: dict[str, str] | None = field(default=None, repr=False)


@dataclass
class ServiceRecord(Record):
    """An object of one service in one environment of a project."""

    project_id: str = ""
    environment_id: str = ""
    service_id: str = ""


@dataclass
class Deployment(ServiceRecord):
    status: str = "QUEUED"
    status_updated_at: str = ""
    outcome: str = "SUCCESS"
    healthy: bool = True
    was_active: bool = False  # reached SUCCESS once: it can be rolled back to once replaced
    meta: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict, repr=False)  # the service variables it ran with
    unlisted_reads: int = 0  # list reads (deployments, latestDeployment) it is still missing from: read lag


@dataclass
class Domain(ServiceRecord):
    """What both kinds of domain have."""

    domain: str = ""
    target_port: int | None = None


@dataclass
class CustomDomain(Domain):
    verification_token: str = ""
    cname_target: str = ""
    verified: bool = False


@dataclass
class ServiceDomain(Domain):
    pass


@dataclass
class ProjectToken(Record):
    project_id: str = ""
    environment_id: str = ""
    name: str = ""
    token: str = field(default="", repr=False)


@dataclass
class ScriptedDeploy:
    """How the next matching deployment ends; service_id None matches any service."""

    outcome: str = "SUCCESS"
    service_id: str | None = None
    healthy: bool = True
