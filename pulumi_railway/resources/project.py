"""The Railway project resource: create one, or adopt an existing one by id and never delete it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult, ReadResult, UpdateResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.toolkit.checks import check_id, check_name, check_string, is_unknown
from pulumi_railway.toolkit.ownership import marked, owner_in, owner_of, unmarked
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    create_or_adopt,
    diff_keys,
    drop_none,
    fail,
    paginate,
    replace_keys,
    resend,
)

INPUT_KEYS = ("name", "workspace_id", "description", "project_id", "default_environment_name", "owner")
UPDATE_KEYS = ("name", "description")
# Outputs hold where the project really is: only an input that is given and differs is a change.


@dataclass(frozen=True, kw_only=True)
class ProjectArgs:
    name: pulumi.Input[str]
    workspace_id: pulumi.Input[str] | None = field(default=None, metadata=REPLACES)
    description: pulumi.Input[str] | None = None
    project_id: pulumi.Input[str] | None = field(default=None, metadata=REPLACES)
    """Adopt this existing project instead of creating one; an adopted project is never deleted."""
    default_environment_name: pulumi.Input[str] | None = None
    """Name of the environment a created project starts with (Railway's default: production).
    Creation-time only: not diffed, and not used when adopting."""
    owner: pulumi.Input[str] | None = None
    """Who makes it (toolkit/ownership.py); set by `Project` itself from the stack and resource name."""


PLACE_KEYS = replace_keys(ProjectArgs)  # the inputs whose change replaces (metadata=REPLACES)


@dataclass(frozen=True)
class _Props:
    name: str
    workspace_id: str | None
    description: str | None
    project_id: str | None
    default_environment_name: str | None
    owner: str | None

    @classmethod
    def parse(cls, props: Mapping[str, Any]) -> _Props:
        values: dict[str, Any] = {key: props.get(key) for key in INPUT_KEYS}
        return cls(**values)

    @property
    def what(self) -> str:
        return f"project '{self.name}'"


def _default_environment_id(project: Mapping[str, Any]) -> str | None:
    envs = [edge["node"] for edge in (project.get("environments") or {}).get("edges", [])]
    lasting = sorted((e for e in envs if not e.get("isEphemeral")), key=lambda e: e.get("createdAt") or "")
    return lasting[0]["id"] if lasting else None


class ProjectProvider(RailwayProvider):
    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return [
            *check_name(news, "name"),
            *check_id(news, "workspace_id", required=False),
            *check_string(news, "description"),
            *check_id(news, "project_id", required=False),
            *check_name(news, "default_environment_name", required=False),
        ]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Adding the workspace or adopt id the project already has is no change, and dropping the adopt id
        # keeps managing (never deleting) the adopted project rather than creating a new one.
        moved = [
            key
            for key in PLACE_KEYS
            if news.get(key) is not None and (is_unknown(news[key]) or news[key] != olds.get(key))
        ]
        if moved:
            return DiffResult(changes=True, replaces=moved, stables=[])
        # A project made before owner markers gets its marker by an update (an adopted one never does).
        keys = (*UPDATE_KEYS, "owner") if news.get("owner") and not olds.get("adopted") else UPDATE_KEYS
        return diff_keys(olds, news, keys, ())

    def create(self, props: dict[str, Any]) -> CreateResult:
        p = _Props.parse(props)
        with self.client() as client:
            if p.project_id:
                project = _adopt(client, p)
                return CreateResult(project["id"], _outputs(p, project, adopted=True))
            variables = {
                "input": drop_none(
                    name=p.name,
                    description=marked(p.description, p.owner) if p.owner else p.description,
                    workspaceId=p.workspace_id,
                    defaultEnvironmentName=p.default_environment_name,
                )
            }
            created: dict[str, Any] = {}

            def create() -> str:
                created.update(client.execute(ops.PROJECT_CREATE, variables)["projectCreate"])
                return str(created["id"])

            try:
                named = _named(client, p)
                found = _ours(client, p, named) if p.owner else None
                if found is not None:
                    return CreateResult(str(found["id"]), _outputs(p, found, adopted=False))
                # Project names are not unique: remember the ones that exist before creating, so a lookup
                # after a lost answer adopts only the project this create made.
                existing = {str(node["id"]) for node in named}
                project_id = create_or_adopt(lambda: _new_id_named(client, p, existing), create, p.what)
                project = created if created.get("id") == project_id else _fetch(client, project_id)
            except RailwayError as exc:
                raise fail("create", p.what, exc) from exc
        return CreateResult(project_id, _outputs(p, project, adopted=False))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        p = _Props.parse(props)
        project = self.read_live(lambda client: _fetch(client, id_), f"{p.what} ({id_})", probe=_token_works)
        if project is None or project.get("deletedAt"):
            return ReadResult("", {})
        live = _Props(
            name=project["name"],
            description=unmarked(project.get("description")) if p.description is not None else None,
            workspace_id=p.workspace_id,
            project_id=p.project_id,
            default_environment_name=p.default_environment_name,
            owner=p.owner,
        )
        outs = _outputs(live, project, adopted=bool(props.get("adopted")))
        given = {"workspace_id": p.workspace_id, "project_id": p.project_id}
        given["default_environment_name"] = p.default_environment_name
        given["owner"] = p.owner
        return ReadResult(id_, outs, {**{key: outs[key] for key in UPDATE_KEYS}, **given})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        p = _Props.parse(news)
        payload = drop_none(name=p.name, description=p.description)
        if p.description is None and olds.get("description") is not None:
            payload["description"] = None  # no longer managed: unset what we set
        if p.owner and not olds.get("adopted"):
            payload["description"] = marked(p.description, p.owner)  # the marker stays what we set

        def update(client: RailwayClient) -> dict[str, Any]:
            resend(ops.PROJECT_UPDATE, {"id": id_, "input": payload})(client)
            return _fetch(client, id_)

        project = self.attempt("update", f"{p.what} ({id_})", update)
        return UpdateResult(_outputs(p, project, adopted=bool(olds.get("adopted"))))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if props.get("adopted"):
            return  # adopted, so not ours to delete: destroy only lets go of it
        p = _Props.parse(props)
        self.delete_idempotent(ops.PROJECT_DELETE, {"id": id_}, f"{p.what} ({id_})", probe=_token_works)


def _token_works(client: RailwayClient) -> object:
    """Listing projects proves the token works, so "Not Authorized" on the project means it is gone."""
    return client.execute(ops.PROJECTS, {"first": 1})


def _fetch(client: RailwayClient, project_id: str) -> dict[str, Any]:
    return dict(client.execute(ops.PROJECT, {"id": project_id})["project"])


def _adopt(client: RailwayClient, p: _Props) -> dict[str, Any]:
    try:
        project = _fetch(client, str(p.project_id))
        if project.get("deletedAt"):
            raise RailwayError(f"project {p.project_id} was deleted")
        wanted = drop_none(name=p.name, description=p.description)
        if any(project.get(key) != value for key, value in wanted.items()):
            client.execute(ops.PROJECT_UPDATE, {"id": p.project_id, "input": wanted})
            project = _fetch(client, str(p.project_id))
    except RailwayError as exc:
        raise fail("adopt", f"{p.what} ({p.project_id})", exc) from exc
    return project


def _ours(client: RailwayClient, p: _Props, named: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The project of this name (of `named`) that this stack made (a create whose answer was lost), else None.

    Raises when only projects someone else made have the name: a second one would be a duplicate."""
    mine = [node for node in named if owner_in(node.get("description")) == p.owner]
    if mine:
        return _fetch(client, str(mine[0]["id"]))
    if named:
        ids = ", ".join(str(node["id"]) for node in named)
        raise RailwayError(
            f"a project of that name already exists ({ids}) and this stack "
            f"({p.owner}) did not make it; adopt it by giving its id as `project_id`, rename this project, "
            "or delete that one"
        )
    return None


def _named(client: RailwayClient, p: _Props) -> list[dict[str, Any]]:
    nodes = paginate(client, ops.PROJECTS, {"workspaceId": p.workspace_id}, "projects")
    return [node for node in nodes if node["name"] == p.name and not node.get("deletedAt")]


def _new_id_named(client: RailwayClient, p: _Props, existing: set[str]) -> str | None:
    fresh = [str(node["id"]) for node in _named(client, p) if str(node["id"]) not in existing]
    return fresh[0] if fresh else None


def _outputs(p: _Props, project: Mapping[str, Any], *, adopted: bool) -> dict[str, Any]:
    return {
        "name": p.name,
        "workspace_id": project.get("workspaceId") or p.workspace_id,
        "description": p.description,
        "project_id": str(project["id"]),
        "default_environment_id": _default_environment_id(project),
        "adopted": adopted,
        "default_environment_name": p.default_environment_name,
        "owner": p.owner,
    }


class Project(pulumi.dynamic.Resource, module="railway", name="Project"):
    """A Railway project, created here or adopted (`project_id`); adopted projects survive `destroy`."""

    name: pulumi.Output[str]
    workspace_id: pulumi.Output[str | None]
    description: pulumi.Output[str | None]
    default_environment_name: pulumi.Output[str | None]
    project_id: pulumi.Output[str]
    default_environment_id: pulumi.Output[str]
    adopted: pulumi.Output[bool]

    def __init__(
        self, resource_name: str, args: ProjectArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {**vars(args), "default_environment_id": None, "adopted": None}
        props["owner"] = args.owner or owner_of(resource_name)
        super().__init__(ProjectProvider(), resource_name, props, opts)
