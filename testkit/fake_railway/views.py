"""How stored objects read over GraphQL: each record becomes a dict keyed by Railway's field names.
Nested objects and connections are callables, which graphql-core's default resolver calls only when a
query selects them (with the field's arguments), so a read costs what it selects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from testkit.fake_railway import records as r
from testkit.fake_railway.services import READ_SETTINGS

if TYPE_CHECKING:
    from testkit.fake_railway.backend import FakeRailwayBackend as Backend

View = dict[str, Any]


def connection(items: Iterable[Any], view: Callable[[Any], View], args: dict[str, Any]) -> View:
    """A Relay connection over items (cursor = node id), honouring `first` and `after`."""
    nodes = list(items)
    after = args.get("after")
    if after:
        ids = [n.id for n in nodes]
        nodes = nodes[ids.index(after) + 1 :] if after in ids else []
    first = args.get("first")
    page = nodes if first is None else nodes[:first]
    edges = [{"cursor": n.id, "node": view(n)} for n in page]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(page) < len(nodes),
            "hasPreviousPage": bool(after),
            "startCursor": page[0].id if page else None,
            "endCursor": page[-1].id if page else None,
        },
    }


def times(obj: r.Record) -> View:
    return {
        "id": obj.id,
        "createdAt": obj.created_at,
        "updatedAt": obj.updated_at,
        "deletedAt": obj.deleted_at,
    }


def project(b: Backend, p: r.Project) -> View:
    def environments(info: Any, **args: Any) -> View:
        envs = [e for e in b.live_environments(p.id) if args.get("isEphemeral") in (None, e.is_ephemeral)]
        return connection(envs, lambda e: environment(b, e), args)

    def services(info: Any, **args: Any) -> View:
        live = [s for s in b.services.values() if s.live and s.project_id == p.id]
        return connection(live, lambda s: service(b, s), args)

    base = b.environments.get(p.base_environment_id or "")
    non_ephemeral = [e for e in b.live_environments(p.id) if not e.is_ephemeral]
    return {
        **times(p),
        "name": p.name,
        "description": p.description,
        "workspaceId": p.workspace_id,
        "isPublic": p.is_public,
        "isTempProject": False,
        "prDeploys": p.pr_deploys,
        "botPrEnvironments": p.bot_pr_environments,
        "focusedPrEnvironments": p.focused_pr_environments,
        "expiredAt": None,
        "baseEnvironmentId": p.base_environment_id,
        "baseEnvironment": lambda info: environment(b, base) if base is not None and base.live else None,
        "primaryEnvironmentId": non_ephemeral[0].id if non_ephemeral else None,
        "environments": environments,
        "services": services,
    }


def environment(b: Backend, e: r.Environment) -> View:
    def deployments(info: Any, **args: Any) -> View:
        deps = sorted(
            (d for d in b.deployments.values() if d.live and d.environment_id == e.id),
            key=lambda d: d.seq,
            reverse=True,
        )
        return connection(deps, lambda d: deployment(b, d), args)

    def service_instances(info: Any, **args: Any) -> View:
        b.progress_copy(e)
        return connection(b.live_instances(environment_id=e.id), lambda i: instance(b, i), args)

    source = b.environments.get(e.source_environment_id or "")
    return {
        **times(e),
        "name": e.name,
        "projectId": e.project_id,
        "isEphemeral": e.is_ephemeral,
        "canAccess": True,
        "canvasGroupRefs": {},
        "configEtag": e.updated_at,
        "unmergedChangesCount": 0,
        "meta": {"prNumber": e.pr_number} if e.pr_number is not None else None,
        "sourceEnvironment": lambda info: environment(b, source) if source is not None else None,
        "deployments": deployments,
        "serviceInstances": service_instances,
        "volumeInstances": _volume_instances(b, e.id),
    }


def _volume_instances(b: Backend, environment_id: str) -> Any:
    from testkit.fake_railway.volumes import environment_volume_instances  # volumes.py imports this module

    return environment_volume_instances(b, environment_id)


def service(b: Backend, s: r.Service) -> View:
    return {
        **times(s),
        "name": s.name,
        "icon": s.icon,
        "projectId": s.project_id,
        "project": lambda info: project(b, b.projects[s.project_id]),
        "groupId": None,
        "hasHiddenRegistryCredentialsFromTemplate": False,
        "isRestricted": False,
        "templateId": None,
        "templateServiceId": None,
        "templateThreadSlug": None,
    }


def instance(b: Backend, i: r.Instance) -> View:
    svc = b.services[i.service_id]
    settings = {key: b.instance_setting(i, key) for key in READ_SETTINGS}
    source = i.settings.get("source")

    def latest(info: Any) -> View | None:  # counts a list read only when asked for
        listed = b.listed(b.instance_deployments(i.service_id, i.environment_id))
        return deployment(b, listed[0]) if listed else None

    active = b.active_deployment(i.service_id, i.environment_id)
    return {
        **times(i),
        **settings,
        "serviceId": i.service_id,
        "serviceName": svc.name,
        "environmentId": i.environment_id,
        "source": {"image": source.get("image"), "repo": source.get("repo")} if source else None,
        "service": lambda info: service(b, svc),
        "isUpdatable": True,
        "nextCronRunAt": None,
        "upstreamUrl": None,
        "latestDeployment": latest,
        "activeDeployments": lambda info: [deployment(b, active)] if active else [],
        "domains": lambda info: all_domains(b, b.instance_domains(i.service_id, i.environment_id)),
    }


def deployment(b: Backend, d: r.Deployment) -> View:
    domains = b.instance_domains(d.service_id, d.environment_id)["serviceDomains"]
    static = domains[0].domain if domains else None
    return {
        **times(d),
        "status": d.status,
        "statusUpdatedAt": d.status_updated_at,
        "projectId": d.project_id,
        "environmentId": d.environment_id,
        "serviceId": d.service_id,
        "canRollback": b.can_rollback(d),
        "canRedeploy": d.status in r.FINAL_STATUSES,
        "deploymentStopped": d.status in ("REMOVED", "FAILED", "CRASHED", "SKIPPED"),
        "meta": d.meta,
        "snapshotId": None,
        "staticUrl": static,
        "url": f"https://{static}" if static else None,
        "suggestAddServiceDomain": static is None,
        "environment": lambda info: environment(b, b.environments[d.environment_id]),
        "service": lambda info: service(b, b.services[d.service_id]),
    }


def domain(d: r.Domain) -> View:
    """The fields both kinds of domain read with."""
    return {
        **times(d),
        "domain": d.domain,
        "edgeId": None,
        "environmentId": d.environment_id,
        "projectId": d.project_id,
        "serviceId": d.service_id,
        "targetPort": d.target_port,
        "syncStatus": "ACTIVE",
    }


def custom_domain(b: Backend, d: r.CustomDomain) -> View:
    return {
        **domain(d),
        "isRailwayDomain": False,
        "status": lambda info: {
            "dnsRecords": b.dns_records(d),
            "verificationDnsHost": b.verification_host(d),
            "verificationToken": d.verification_token,
            "verified": d.verified,
            "certificateStatus": "CERTIFICATE_STATUS_TYPE_VALID"
            if d.verified
            else "CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP",
            "cdnProvider": None,
            "certificateErrorMessage": None,
            "certificateErrorType": None,
            "certificateRetryable": None,
            "certificateStatusDetailed": None,
        },
    }


def service_domain(b: Backend, d: r.ServiceDomain) -> View:
    return {
        **domain(d),
        "suffix": "up.railway.app",
        "newDomainName": None,
        "newHostLabel": None,
    }


def all_domains(b: Backend, domains: dict[str, list[Any]]) -> View:
    return {
        "customDomains": [custom_domain(b, d) for d in domains["customDomains"]],
        "serviceDomains": [service_domain(b, d) for d in domains["serviceDomains"]],
    }


def project_token(b: Backend, t: r.ProjectToken) -> View:
    return {
        **times(t),
        "name": t.name,
        "displayToken": f"{t.token[:4]}{'*' * 12}",
        "projectId": t.project_id,
        "environmentId": t.environment_id,
        "project": lambda info: project(b, b.projects[t.project_id]),
        "environment": lambda info: environment(b, b.environments[t.environment_id]),
    }


def region(name: str) -> View:
    location, country = r.REGIONS[name]
    return {
        "id": name,
        "name": name,
        "region": name,
        "location": location,
        "country": country,
        "workspaceId": None,
    }
